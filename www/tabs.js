// ARIA tabs (WAI-ARIA Authoring Practices, "Tabs with automatic activation"): the selected tab
// is the only one in the Tab order; Left/Right (wrapping), Home and End move between tabs and
// show their panel.

/** @param {HTMLElement} tablist an element with role="tablist" holding role="tab" buttons */
export function setupTabs(tablist, onChange = () => {}) {
  const tabs = [...tablist.querySelectorAll('[role="tab"]')];
  const panelOf = (tab) => document.getElementById(tab.getAttribute('aria-controls'));

  function select(tab, focus = false) {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute('aria-selected', String(on));
      t.tabIndex = on ? 0 : -1;
      panelOf(t).hidden = !on;
    }
    if (focus) tab.focus();
    onChange(tab);
  }

  for (const tab of tabs) {
    tab.addEventListener('click', () => select(tab));
    tab.addEventListener('keydown', (event) => {
      const i = tabs.indexOf(tab);
      const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      select(tabs[(next + tabs.length) % tabs.length], true);
    });
  }
  return { select: (id) => select(tabs.find((t) => t.id === id) ?? tabs[0]) };
}
