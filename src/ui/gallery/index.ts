/** Head gallery: every head as a thumbnail with span d and class. */
export { HeadGallery, type HeadGalleryProps } from './HeadGallery';
export { galleryHeads, classCounts, formatSpan, type GalleryHead, type HeadSelection } from './heads';
