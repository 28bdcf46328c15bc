import { decodeHTML } from 'entities';
import { Lexer, type Token, type Tokens } from 'marked';
import { htmlToText } from './html';

/**
 * Text of a Markdown document with the markup dropped: headings, paragraphs, list items,
 * quotes, table rows and code blocks each become a paragraph; links keep their text, images
 * their alt text; inline HTML is reduced to its text; a leading YAML/TOML front matter block
 * is removed.
 */
export function markdownToText(markdown: string): string {
  const body = markdown.replace(/^(?:---|\+\+\+)[ \t]*\r?\n[\s\S]*?\r?\n(?:---|\+\+\+|\.\.\.)[ \t]*(?:\r?\n|$)/, '');
  const tokens = new Lexer({ gfm: true }).lex(body);
  const blocks: string[] = [];
  collectBlocks(tokens, blocks);
  return blocks
    .map((b) => b.replace(/[ \t]+\n/g, '\n').trim())
    .filter((b) => b.length > 0)
    .join('\n\n');
}

function collectBlocks(tokens: Token[], out: string[]): void {
  for (const t of tokens) {
    switch (t.type) {
      case 'space':
      case 'hr':
      case 'def':
        break;
      case 'heading':
      case 'paragraph':
        out.push(inlineText((t as Tokens.Heading | Tokens.Paragraph).tokens));
        break;
      case 'text': {
        const tt = t as Tokens.Text;
        out.push(tt.tokens ? inlineText(tt.tokens) : decodeHTML(tt.text));
        break;
      }
      case 'code':
        out.push((t as Tokens.Code).text);
        break;
      case 'blockquote':
        collectBlocks((t as Tokens.Blockquote).tokens, out);
        break;
      case 'list':
        for (const item of (t as Tokens.List).items) {
          const parts: string[] = [];
          collectBlocks(item.tokens, parts);
          out.push(parts.join('\n'));
        }
        break;
      case 'table': {
        const table = t as Tokens.Table;
        const rows = [table.header, ...table.rows];
        for (const row of rows) out.push(row.map((cell) => inlineText(cell.tokens)).join(' '));
        break;
      }
      case 'html':
        out.push(htmlToText((t as Tokens.HTML).text));
        break;
      default: {
        const anyT = t as { tokens?: Token[]; text?: string };
        if (anyT.tokens) out.push(inlineText(anyT.tokens));
        else if (typeof anyT.text === 'string') out.push(decodeHTML(anyT.text));
      }
    }
  }
}

function inlineText(tokens: Token[] | undefined): string {
  if (!tokens) return '';
  let s = '';
  for (const t of tokens) {
    switch (t.type) {
      case 'br':
        s += '\n';
        break;
      case 'codespan':
        s += decodeHTML((t as Tokens.Codespan).text);
        break;
      case 'image':
        s += (t as Tokens.Image).text;
        break;
      case 'html':
        s += htmlToText((t as Tokens.Tag).text);
        break;
      case 'escape':
        s += (t as Tokens.Escape).text;
        break;
      default: {
        const anyT = t as { tokens?: Token[]; text?: string };
        if (anyT.tokens) s += inlineText(anyT.tokens);
        else if (typeof anyT.text === 'string') s += decodeHTML(anyT.text);
      }
    }
  }
  return s;
}
