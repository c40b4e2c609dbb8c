/** Whether the method page is open, and at which section. */
import { create } from 'zustand';

export type MethodSection = 'waad' | 'fai' | 'heads' | 'roles' | 'credit';

export const useMethodStore = create<{ open: MethodSection | null }>()(() => ({ open: null }));

export const openMethod = (section: MethodSection) => useMethodStore.setState({ open: section });
export const closeMethod = () => useMethodStore.setState({ open: null });
