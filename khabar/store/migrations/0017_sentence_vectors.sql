-- 0017_sentence_vectors: sentence vectors of the slow sentence model (MiniLM), kept so that a sentence
-- is embedded once, in whichever run first compares it (issue 11). Keyed by a hash of the sentence's
-- text, not by article: a copy's sentences and a re-ingested article's meet the vectors already there.

CREATE TABLE sentence_vectors (
    model  TEXT NOT NULL,                   -- the sentence model (minilm)
    key    TEXT NOT NULL,                   -- blake2b-128 of the sentence text, hex (khabar.relations.compare.sentence_key)
    vector BLOB NOT NULL,                   -- float32, L2-normalised
    PRIMARY KEY (model, key)
);
