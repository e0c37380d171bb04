import { describe } from "vitest";
import { experimentFiles, holdsForEverySeed } from "./seeds.js";

describe("experiment library, second half", () => {
  for (const file of experimentFiles(1)) holdsForEverySeed(file);
});
