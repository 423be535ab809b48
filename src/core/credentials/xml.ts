/**
 * A strict, DTD-free XML reader for credentials files. saxes never expands DTD entities; we go
 * further and refuse any DOCTYPE outright, so entity bombs and external entities (XXE) are
 * rejected before they could mean anything.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { XSI_NS } from './format';
import { credentialsError } from './errors';

export interface XmlElement {
  /** Local name (without prefix). */
  name: string;
  namespace: string;
  /** `i:nil="true"`: DataContractSerializer's null. */
  nil: boolean;
  text: string;
  children: XmlElement[];
}

/**
 * Credentials files nest three or four elements deep. saxes resolves each tag's namespace through
 * the open tags, so a file of deeply nested tags costs time in the square of its depth (70,000
 * unclosed tags ran for minutes in the fuzz run): deeper than this is refused as it opens.
 */
export const MAX_XML_DEPTH = 32;

export function parseXml(source: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;

  parser.on('doctype', () => {
    throw credentialsError('VaultCredentialUnsafeXml', 'The file contains a DOCTYPE declaration, which credentials files never have.', {
      reason: 'doctype',
    });
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    if (stack.length >= MAX_XML_DEPTH) {
      throw credentialsError('VaultCredentialMalformedXml', `The file nests elements more than ${MAX_XML_DEPTH} deep, which credentials files never do.`, {
        reason: 'depth',
        line: parser.line,
        column: parser.column,
      });
    }
    const element: XmlElement = {
      name: tag.local,
      namespace: tag.uri,
      nil: Object.values(tag.attributes).some((a) => a.uri === XSI_NS && a.local === 'nil' && a.value.trim() === 'true'),
      text: '',
      children: [],
    };
    stack.at(-1)?.children.push(element);
    root ??= element;
    stack.push(element);
  });
  parser.on('text', (text) => appendText(stack, text));
  parser.on('cdata', (text) => appendText(stack, text));
  parser.on('closetag', () => stack.pop());
  parser.on('error', (err) => {
    // saxes' wording for a reference to an entity it does not know (only the five XML ones exist).
    const unsafe = err.message.includes('undefined entity');
    throw credentialsError(
      unsafe ? 'VaultCredentialUnsafeXml' : 'VaultCredentialMalformedXml',
      unsafe ? 'The file refers to an XML entity that is not defined.' : 'The file is not well-formed XML.',
      { reason: unsafe ? 'entity' : 'syntax', line: parser.line, column: parser.column },
    );
  });

  parser.write(source).close();
  if (!root) throw credentialsError('VaultCredentialMalformedXml', 'The file has no root element.', { reason: 'empty' });
  return root;
}

function appendText(stack: XmlElement[], text: string): void {
  const current = stack.at(-1);
  if (current) current.text += text;
}
