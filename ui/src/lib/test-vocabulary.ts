// Core's real words for the unit tests: `export_bindings` (src-tauri/src/bindings.rs)
// writes what `wso_core::vocabulary::vocabulary()` returns beside the types.
import json from "./generated/vocabulary.json";
import type { Vocabulary } from "./vocabulary";

export const vocabulary = json as Vocabulary;
