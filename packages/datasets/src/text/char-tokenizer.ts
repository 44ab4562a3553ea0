/**
 * CharTokenizer: one token per character (Unicode code point), ids in the sorted order
 * of the vocabulary, as the character-level language models of Karpathy's char-rnn and
 * nanoGPT. Saved as JSON beside a model so generation decodes with the same ids.
 */

export interface CharTokenizerOptions {
  /**
   * A vocabulary character that stands for characters outside the vocabulary in
   * `encode`. Without it, `encode` refuses unknown characters with an error.
   */
  oovToken?: string;
}

/** The JSON form of a CharTokenizer (`toJSON` / `fromJSON`). */
export interface CharTokenizerJSON {
  className: 'CharTokenizer';
  vocabulary: string[];
  oovToken?: string;
}

/** Describes a character for error messages: 'é' (U+00E9). */
function describeChar(c: string): string {
  const code = c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  return `${JSON.stringify(c)} (U+${code})`;
}

export class CharTokenizer {
  /** The characters, in id order. */
  readonly vocabulary: readonly string[];
  readonly oovToken: string | undefined;
  private readonly ids: Map<string, number>;

  constructor(vocabulary: readonly string[], options: CharTokenizerOptions = {}) {
    if (!Array.isArray(vocabulary) || vocabulary.length === 0) {
      throw new Error('CharTokenizer: vocabulary must be a non-empty array of characters');
    }
    this.ids = new Map();
    vocabulary.forEach((c, i) => {
      if (typeof c !== 'string' || [...c].length !== 1) {
        throw new Error(`CharTokenizer: vocabulary entry ${i} is not one character: ${JSON.stringify(c)}`);
      }
      if (this.ids.has(c)) throw new Error(`CharTokenizer: vocabulary repeats ${describeChar(c)}`);
      this.ids.set(c, i);
    });
    if (options.oovToken !== undefined && !this.ids.has(options.oovToken)) {
      throw new Error(`CharTokenizer: oovToken ${JSON.stringify(options.oovToken)} is not in the vocabulary`);
    }
    this.vocabulary = [...vocabulary];
    this.oovToken = options.oovToken;
  }

  /** The tokenizer of every distinct character of `text`, in code-point order. */
  static fromText(text: string, options: CharTokenizerOptions = {}): CharTokenizer {
    if (typeof text !== 'string' || text.length === 0) {
      throw new Error('CharTokenizer.fromText: text must be a non-empty string');
    }
    const chars = [...new Set(text)].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
    return new CharTokenizer(chars, options);
  }

  get vocabularySize(): number {
    return this.vocabulary.length;
  }

  /** Token ids of `text`. An unknown character is an error, or the oovToken's id when one is set. */
  encode(text: string): Int32Array {
    const chars = [...text];
    const out = new Int32Array(chars.length);
    const oov = this.oovToken === undefined ? -1 : this.ids.get(this.oovToken)!;
    for (let i = 0; i < chars.length; i++) {
      const id = this.ids.get(chars[i]);
      if (id !== undefined) out[i] = id;
      else if (oov >= 0) out[i] = oov;
      else {
        throw new Error(
          `CharTokenizer.encode: character ${describeChar(chars[i])} at position ${i} is not in the vocabulary ` +
            `of ${this.vocabularySize} characters (set oovToken to map unknown characters to one of them)`,
        );
      }
    }
    return out;
  }

  /** The text of token ids. */
  decode(ids: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) {
      const c = this.vocabulary[ids[i]];
      if (c === undefined) {
        throw new Error(
          `CharTokenizer.decode: id ${ids[i]} at position ${i} is not in [0, ${this.vocabularySize})`,
        );
      }
      s += c;
    }
    return s;
  }

  toJSON(): CharTokenizerJSON {
    const json: CharTokenizerJSON = { className: 'CharTokenizer', vocabulary: [...this.vocabulary] };
    if (this.oovToken !== undefined) json.oovToken = this.oovToken;
    return json;
  }

  /** Rebuilds a tokenizer from `toJSON()`'s object or its JSON text. */
  static fromJSON(json: CharTokenizerJSON | string): CharTokenizer {
    const value: unknown = typeof json === 'string' ? JSON.parse(json) : json;
    const v = value as Partial<CharTokenizerJSON>;
    if (!v || v.className !== 'CharTokenizer' || !Array.isArray(v.vocabulary)) {
      throw new Error("CharTokenizer.fromJSON: expected { className: 'CharTokenizer', vocabulary: [...] }");
    }
    return new CharTokenizer(v.vocabulary, { oovToken: v.oovToken });
  }
}
