// Service worker of the iothub-errors portal. precache.json (written by the build) lists the built files in two
// groups: `firstView`, what the first view loads (the page, its script and style, the catalog module), cached on
// install; and `onDemand`, the full package and the diagnosis worker, cached when the page first uses them (it
// posts 'cache-on-demand'), so that a visit that only reads entries downloads no diagnosis code. Requests are
// served network first, with the cache as fallback, so the portal works offline for what it has loaded.
const CACHE = 'iothub-errors-portal-v2';

/** The two groups of precache.json. */
async function fileGroups() {
  const response = await fetch('precache.json', { cache: 'no-store' });
  return response.json();
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll((await fileGroups()).firstView);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('message', (event) => {
  if (event.data?.type !== 'cache-on-demand') return;
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll((await fileGroups()).onDemand);
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      try {
        const response = await fetch(request);
        if (response.ok) await cache.put(request, response.clone());
        return response;
      } catch (error) {
        const cached = await cache.match(request, { ignoreSearch: true });
        if (cached) return cached;
        throw error;
      }
    })(),
  );
});
