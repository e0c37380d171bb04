import { describe } from "vitest";
import { experimentFiles, holdsForEverySeed } from "./seeds.js";

describe("experiment library, first half", () => {
  for (const file of experimentFiles(0)) holdsForEverySeed(file);
});
