// rrweb's numbers for its events, incremental sources and serialized node types (rrweb 2.1.6's
// `EventType`, `IncrementalSource`, `NodeType`), in one place for every file that reads or makes
// rrweb events by hand.

/** `EventType.FullSnapshot`. */
export const EVENT_FULL_SNAPSHOT = 2;
/** `EventType.IncrementalSnapshot`. */
export const EVENT_INCREMENTAL = 3;
/** `EventType.Meta`. */
export const EVENT_META = 4;
/** `EventType.Custom`. */
export const EVENT_CUSTOM = 5;
/** `IncrementalSource.Mutation`. */
export const SOURCE_MUTATION = 0;
/** `IncrementalSource.MediaInteraction`. */
export const SOURCE_MEDIA_INTERACTION = 7;
/** `IncrementalSource.StyleSheetRule`. */
export const SOURCE_STYLE_SHEET_RULE = 8;
/** `IncrementalSource.StyleDeclaration`. */
export const SOURCE_STYLE_DECLARATION = 13;
/** `IncrementalSource.AdoptedStyleSheet`. */
export const SOURCE_ADOPTED_STYLE_SHEET = 15;
/** `NodeType.Document`. */
export const NODE_DOCUMENT = 0;
/** `NodeType.Element`. */
export const NODE_ELEMENT = 2;
/** `NodeType.Text`. */
export const NODE_TEXT = 3;
