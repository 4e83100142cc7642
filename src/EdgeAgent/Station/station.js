'use strict';
async function refresh() {
  for (const section of document.querySelectorAll('[data-fragment]')) {
    try {
      const response = await fetch(section.dataset.fragment, { cache: 'no-cache', credentials: 'same-origin', redirect: 'manual' });
      if (response.type === 'opaqueredirect' || response.status === 401) { location.reload(); return; }
      if (!response.ok) continue;
      const html = await response.text();
      if (section.dataset.shown !== html) { section.innerHTML = html; section.dataset.shown = html; }
    } catch (e) { /* the link is down: keep what is shown and try again */ }
  }
  document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
}
for (const section of document.querySelectorAll('[data-fragment]')) section.dataset.shown = section.innerHTML;
setInterval(refresh, 5000);
