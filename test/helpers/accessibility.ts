/**
 * What a screen reader hears of a page, read from Chromium's accessibility tree:
 * every control named, and no two controls of one role sharing a name.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';

/** Controls a screen reader lists, by their role in Chromium's accessibility tree. */
const CONTROL_ROLES = new Set([
  'button',
  'link',
  'textbox',
  'searchbox',
  'combobox',
  'listbox',
  'spinbutton',
  'checkbox',
  'radio',
  'slider',
  'switch',
  'tab',
  'menuitem',
  'DateTime',
  'InputTime',
  'Date',
]);

export interface AxControl {
  role: string;
  name: string;
  /** Where a link goes: two links of one name to one place do the same thing. */
  href: string | null;
}

/** Every control of the page as Chromium exposes it to assistive technologies. */
export async function axControls(page: Page): Promise<AxControl[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
      nodes: {
        nodeId: string;
        parentId?: string;
        ignored: boolean;
        role?: { value?: string };
        name?: { value?: string };
        backendDOMNodeId?: number;
      }[];
    };
    const byId = new Map(nodes.map((n) => [n.nodeId, n]));
    const isControl = (n: (typeof nodes)[number]) =>
      !n.ignored && CONTROL_ROLES.has(n.role?.value ?? '');
    // The parts of a control (a date-time input's fields and picker button) are that control.
    const insideControl = (n: (typeof nodes)[number]) => {
      for (let p = byId.get(n.parentId ?? ''); p; p = byId.get(p.parentId ?? ''))
        if (isControl(p)) return true;
      return false;
    };
    const controls: AxControl[] = [];
    for (const node of nodes) {
      const role = node.role?.value ?? '';
      if (!isControl(node) || insideControl(node)) continue;
      let href: string | null = null;
      if (role === 'link' && node.backendDOMNodeId) {
        const { object } = await cdp.send('DOM.resolveNode', {
          backendNodeId: node.backendDOMNodeId,
        });
        const answer = await cdp.send('Runtime.callFunctionOn', {
          objectId: object.objectId!,
          functionDeclaration: 'function () { return this.href ?? null; }',
          returnByValue: true,
        });
        href = (answer.result.value as string | null) ?? null;
      }
      controls.push({ role, name: (node.name?.value ?? '').trim(), href });
    }
    return controls;
  } finally {
    await cdp.detach();
  }
}

/**
 * No control without a name; no two of one role sharing a name unless they go to
 * the same place. Resolves to the page's controls.
 */
export async function assertUniqueNames(page: Page): Promise<AxControl[]> {
  // What disclosures hide is on the page too.
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
  const controls = await axControls(page);
  const where = new URL(page.url()).pathname;
  assert.deepEqual(
    controls.filter((c) => !c.name).map((c) => c.role),
    [],
    `controls without a name on ${where}`,
  );
  const seen = new Map<string, AxControl>();
  const clashes: string[] = [];
  for (const c of controls) {
    const key = `${c.role}: ${c.name}`;
    const before = seen.get(key);
    if (before && !(c.role === 'link' && before.href === c.href)) clashes.push(key);
    seen.set(key, c);
  }
  assert.deepEqual(clashes, [], `controls sharing a name on ${where}`);
  return controls;
}
