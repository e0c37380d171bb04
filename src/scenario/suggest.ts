/** "Did you mean …?" lives in src/util (every layer needs it); re-exported for the scenario layer. */
export * from "../util/suggest.js";
