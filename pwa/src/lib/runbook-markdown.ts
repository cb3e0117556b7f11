/**
 * A runbook's notes as HTML, safely: CommonMark with raw HTML omitted (safe mode), links kept only when they are
 * http(s), and no images (a runbook never makes the page fetch from elsewhere). commonmark is loaded on first use,
 * so incidents without a runbook do not pay for it.
 */
export async function runbookHtml(markdown: string): Promise<string> {
  const { Parser, HtmlRenderer } = await import('commonmark');
  const doc = new Parser().parse(markdown);
  const walker = doc.walker();
  for (let step = walker.next(); step; step = walker.next()) {
    const { node } = step;
    if (!step.entering) continue;
    if (node.type === 'image') node.destination = '';
    else if (node.type === 'link' && !/^https?:\/\//i.test(node.destination ?? ''))
      node.destination = '';
  }
  return new HtmlRenderer({ safe: true }).render(doc);
}
