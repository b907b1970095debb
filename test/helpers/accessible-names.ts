/**
 * Accessible names as a screen reader gets them: every control of a page read from
 * Chromium's accessibility tree, and the check that none is nameless and no two of
 * one role share a name (unless two links go to the same place).
 * (The same check as test/e2e-browser/studio-ux-browser.test.ts, for other tests.)
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';

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

interface AxNode {
  nodeId: string;
  parentId?: string;
  ignored: boolean;
  role?: { value?: string };
  name?: { value?: string };
  backendDOMNodeId?: number;
}

export interface AxControl {
  readonly role: string;
  readonly name: string;
  readonly href: string | null;
}

export async function axControls(page: Page): Promise<AxControl[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: AxNode[] };
    const byId = new Map(nodes.map((n) => [n.nodeId, n]));
    const isControl = (n: AxNode) => !n.ignored && CONTROL_ROLES.has(n.role?.value ?? '');
    // The parts of a control (a date-time input's fields) are that control.
    const insideControl = (n: AxNode) => {
      for (let p = byId.get(n.parentId ?? ''); p; p = byId.get(p.parentId ?? ''))
        if (isControl(p)) return true;
      return false;
    };
    const controls: AxControl[] = [];
    for (const node of nodes) {
      if (!isControl(node) || insideControl(node)) continue;
      const role = node.role?.value ?? '';
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

/** No control without a name; no two of one role with one name (links to one place aside). */
export async function assertUniqueNames(page: Page): Promise<AxControl[]> {
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
