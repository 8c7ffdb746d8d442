// A box that scrolls sideways (a wide table on a phone) must be scrollable with the keyboard too: every such box
// in the page gets tabindex=0 while it overflows, and loses it when it no longer does (WCAG 2.1.1).
const BOXES = '.content table, .content .scroll-x, .content .datatable';

function mark(): void {
  for (const el of document.querySelectorAll<HTMLElement>(BOXES)) {
    const scrolls = el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible';
    if (scrolls && el.tabIndex < 0) el.tabIndex = 0;
    else if (!scrolls && el.getAttribute('tabindex') === '0' && !el.matches('[data-keep-tabindex]'))
      el.removeAttribute('tabindex');
  }
}

let queued = false;
const schedule = () => {
  if (queued) return;
  queued = true;
  requestAnimationFrame(() => {
    queued = false;
    mark();
  });
};

export function watchScrollBoxes(root: HTMLElement): void {
  new MutationObserver(schedule).observe(root, { childList: true, subtree: true });
  window.addEventListener('resize', schedule);
}
