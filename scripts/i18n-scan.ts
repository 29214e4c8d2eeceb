// Finds user-visible English left in JSX: text children, string-valued text
// props (title, placeholder, aria-label, label, ...), and string literals that a
// JSX expression shows as-is (`{busy ? 'Saving…' : 'Save'}`). It reads the
// TypeScript AST rather than grepping, so attributes like className or
// data-testid, comparisons (`s === 'running'`) and t() arguments never count.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { isAllowedText } from '../src/renderer/i18n/allow';

export interface Finding {
  file: string;
  line: number;
  kind: 'text' | 'prop' | 'expr';
  text: string;
}

/** Props whose string value is always shown to a person. */
const TEXT_PROPS = new Set(['title', 'placeholder', 'aria-label', 'aria-description', 'aria-valuetext', 'alt', 'label', 'sub', 'hint', 'message', 'heading', 'description', 'confirmLabel', 'emptyText', 'caption', 'summary', 'tooltip', 'text']);
/** Props that are identifiers, never prose, whatever their value looks like. */
const CODE_PROPS = new Set(['className', 'key', 'id', 'type', 'name', 'role', 'htmlFor', 'href', 'src', 'autoComplete', 'inputMode', 'pattern', 'method', 'target', 'rel', 'value', 'defaultValue', 'lang', 'dir', 'form', 'accept', 'tone', 'variant', 'kind', 'size', 'mode', 'testId', 'dataKey', 'stroke', 'fill', 'stackId', 'unit', 'aria-controls', 'aria-labelledby', 'aria-describedby', 'aria-live', 'aria-haspopup', 'aria-current', 'aria-sort', 'aria-orientation', 'aria-autocomplete', 'spellCheck', 'width', 'height', 'viewBox', 'd', 'wrap', 'enterKeyHint', 'area', 'page', 'metric', 'action', 'icon', 'status', 'state', 'align', 'orientation', 'format', 'scope', 'colSpan']);

// Words in a prop that isn't known: treat as prose if it has a space between
// letters or starts with a capital followed by lowercase ("Running").
const looksLikeProse = (s: string) => /[A-Za-z]\s+[A-Za-z]/.test(s) || /(^|\s)[A-Z][a-z]/.test(s);

function line(sf: ts.SourceFile, node: ts.Node): number {
  return sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
}

/** String-ish literals an expression would render as-is (branches of ?:, ||, ??, &&, templates, parens). */
function shownStrings(e: ts.Expression): ts.Node[] {
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return [e];
  if (ts.isTemplateExpression(e)) {
    const parts: ts.Node[] = [e.head, ...e.templateSpans.map((s) => s.literal)];
    return [...parts, ...e.templateSpans.flatMap((s) => shownStrings(s.expression))];
  }
  if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e)) return shownStrings(e.expression);
  if (ts.isConditionalExpression(e)) return [...shownStrings(e.whenTrue), ...shownStrings(e.whenFalse)];
  if (ts.isBinaryExpression(e)) {
    const op = e.operatorToken.kind;
    if (op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken) return [...shownStrings(e.left), ...shownStrings(e.right)];
    if (op === ts.SyntaxKind.AmpersandAmpersandToken) return shownStrings(e.right);
    if (op === ts.SyntaxKind.PlusToken) return [...shownStrings(e.left), ...shownStrings(e.right)];
  }
  return [];
}

const literalText = (n: ts.Node): string => {
  if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) return n.text;
  if (ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n)) return n.text;
  return '';
};

export function scanSource(fileName: string, source: string): Finding[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const out: Finding[] = [];
  const report = (node: ts.Node, kind: Finding['kind'], raw: string) => {
    // HTML entities (&gt;) are symbols, not words.
    const text = raw.replace(/&[a-z]+;|&#\d+;/g, ' ').replace(/\s+/g, ' ').trim();
    if (!text || isAllowedText(text)) return;
    out.push({ file: fileName, line: line(sf, node), kind, text });
  };
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node)) {
      report(node, 'text', node.text);
    } else if (ts.isJsxAttribute(node)) {
      const name = node.name.getText(sf);
      const init = node.initializer;
      const isText = TEXT_PROPS.has(name);
      const isCode = CODE_PROPS.has(name) || name.startsWith('data-') || name.startsWith('on');
      if (init && !isCode) {
        const strings = ts.isStringLiteral(init) ? [init] : ts.isJsxExpression(init) && init.expression ? shownStrings(init.expression) : [];
        for (const s of strings) {
          const v = literalText(s);
          if (isText || looksLikeProse(v)) report(s, 'prop', v);
        }
      }
    } else if (ts.isJsxExpression(node) && node.expression && (ts.isJsxElement(node.parent) || ts.isJsxFragment(node.parent))) {
      for (const s of shownStrings(node.expression)) report(s, 'expr', literalText(s));
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function tsxFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return tsxFiles(p);
    return p.endsWith('.tsx') && !p.endsWith('.test.tsx') ? [p] : [];
  });
}

/** Every finding under a directory, paths relative to `root`. */
export function scanTree(root: string, dir: string): Finding[] {
  return tsxFiles(join(root, dir)).flatMap((p) => scanSource(relative(root, p), readFileSync(p, 'utf8')));
}

// `npx tsx scripts/i18n-scan.ts` prints what is left to translate.
if (process.argv[1]?.endsWith('i18n-scan.ts')) {
  for (const f of scanTree(process.cwd(), 'src/renderer')) console.log(`${f.file}:${f.line} [${f.kind}] ${f.text}`);
}
