/*
 * Cross-origin isolation for static hosts that cannot set response headers (e.g. GitHub Pages).
 * Opt in by adding `<script src="coi-serviceworker.js"></script>` to index.html's <head> (docs/hub.md).
 *
 * In the page: when the page is not isolated, registers this file as a service worker and reloads once.
 * In the service worker: adds COOP `same-origin` and COEP `require-corp` to this site's own responses. Other
 * origins' responses (Hub downloads, CORS fetches) pass through untouched.
 */
if (typeof window === 'undefined') {
  self.addEventListener('install', () => self.skipWaiting());
  self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
  self.addEventListener('fetch', (event) => {
    const request = event.request;
    if (new URL(request.url).origin !== self.location.origin) return;
    // A cache-only request outside same-origin mode cannot be replayed by fetch().
    if (request.cache === 'only-if-cached' && request.mode !== 'same-origin') return;
    event.respondWith(
      fetch(request).then((response) => {
        if (response.status === 0) return response;
        const headers = new Headers(response.headers);
        headers.set('Cross-Origin-Opener-Policy', 'same-origin');
        headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
        headers.set('Cross-Origin-Resource-Policy', 'same-origin');
        return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
      }),
    );
  });
} else if (!window.crossOriginIsolated && window.isSecureContext && 'serviceWorker' in navigator) {
  const script = document.currentScript && document.currentScript.src;
  navigator.serviceWorker.register(script).then((registration) => {
    // Reload once, when the worker controls the page; a flag stops a loop where isolation still fails.
    const key = 'rhythmscope.coiReloaded';
    if (sessionStorage.getItem(key)) return;
    const reload = () => {
      sessionStorage.setItem(key, '1');
      window.location.reload();
    };
    if (navigator.serviceWorker.controller) reload();
    else registration.addEventListener('updatefound', () => registration.installing.addEventListener('statechange', (e) => e.target.state === 'activated' && reload()));
  });
}
