package dev.mstream.embed;

/** Whether a text is embedded as a query or as a document; models may prefix them differently. */
public enum TextRole {
  QUERY,
  DOCUMENT
}
