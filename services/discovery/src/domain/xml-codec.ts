import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { type WireObject, WireError } from './instance-codec.ts';

// Elements that are lists in Eureka's XML even when there is only one of them.
const LIST_PATHS = new Set(['applications.application', 'applications.application.instance', 'application.instance']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '$',
  // Values stay strings; the instance decoder converts and validates them.
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  htmlEntities: false,
  isArray: (_name, jpath) => LIST_PATHS.has(String(jpath)),
});

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '$',
  suppressEmptyNode: true,
  // `enabled="true"` must keep its value (Eureka clients read the attribute text).
  suppressBooleanAttributes: false,
});

/**
 * Parses an XML document into the shared wire tree. Documents with a DTD are refused outright:
 * Eureka clients never send one, and entity expansion is the classic XML denial of service.
 */
export function parseXml(text: string): WireObject {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new WireError('XML with a DTD is not accepted');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new WireError(`malformed XML: ${valid.err.msg} (line ${valid.err.line})`);
  return parser.parse(text) as WireObject;
}

/** Renders `{ root: tree }` as XML, the way Eureka's XStream codec lays it out. */
export function toXml(root: string, tree: WireObject): string {
  return builder.build({ [root]: tree }) as string;
}
