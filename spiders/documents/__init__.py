"""Sources that read one JSON document at one URL: the machinery (fetch: one conditional,
bounded request; base: DocumentSource, the Source subclass that fetches, parses and emits;
parsed: what a parser gives back and exact JSON money) and the documents' parsers."""
