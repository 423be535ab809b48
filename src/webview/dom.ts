/** A small element builder: the page is plain DOM, styled only by media/setup-page.css. */
type Attrs = Record<string, string | boolean | undefined>;
type Child = Node | string | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : value);
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: Child[]): void {
  for (const child of children) {
    if (child === undefined || child === false) continue;
    el.append(child);
  }
}

/** Replaces an element's children. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** A labelled text input; its id is also its draft key. */
export function field(id: string, label: string, attrs: Attrs = {}): { row: HTMLElement; input: HTMLInputElement } {
  const input = h('input', { id, type: 'text', spellcheck: 'false', autocomplete: 'off', ...attrs });
  return { row: h('div', { class: 'field' }, h('label', { for: id }, label), input), input };
}

/** Fills a definition list with the rows that have a value; `data-field` names each value. */
export function fillRows(dl: HTMLDListElement, rows: Array<[label: string, value: string | undefined]>): void {
  dl.replaceChildren(...rows.filter(([, v]) => v).flatMap(([k, v]) => [h('dt', {}, k), h('dd', { 'data-field': k }, v)]));
}

export function button(label: string, attrs: Attrs = {}): HTMLButtonElement {
  return h('button', { type: 'button', ...attrs }, label);
}
