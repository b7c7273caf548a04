/**
 * Tabs as the ARIA authoring practices describe them: buttons with role="tab" in a role="tablist", each showing
 * its role="tabpanel" (aria-controls). Arrow keys, Home and End move between tabs (roving tabindex), so Tab goes
 * from the selected tab straight into its panel.
 */
export interface Tabs {
  select(id: string, focus?: boolean): void;
}

export function setUpTabs(list: HTMLElement): Tabs {
  const tabs = [...list.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
  const panelOf = (tab: HTMLButtonElement): HTMLElement | null => document.getElementById(tab.getAttribute('aria-controls') ?? '');
  const select = (id: string, focus = false): void => {
    for (const tab of tabs) {
      const selected = tab.id === id;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
      const panel = panelOf(tab);
      if (panel) panel.hidden = !selected;
      if (selected && focus) tab.focus();
    }
  };
  for (const [i, tab] of tabs.entries()) {
    tab.addEventListener('click', () => select(tab.id));
    tab.addEventListener('keydown', (event) => {
      const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      select(tabs[(next + tabs.length) % tabs.length].id, true);
    });
  }
  select(tabs.find((t) => t.getAttribute('aria-selected') === 'true')?.id ?? tabs[0].id);
  return { select };
}
