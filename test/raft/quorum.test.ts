import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { quorumMatchedIndex, quorumSize, tallyVotes } from "../../src/raft/quorum.js";

describe("quorumSize", () => {
  it("matches etcd's failure-tolerance table (majority = floor(n/2)+1)", () => {
    const majority = [1, 2, 2, 3, 3, 4, 4, 5, 5];
    for (let n = 1; n <= 9; n++) expect(quorumSize(n)).toBe(majority[n - 1]);
  });
});

describe("quorumMatchedIndex", () => {
  it("is the highest index a majority has matched", () => {
    expect(quorumMatchedIndex([5, 3, 9], 3)).toBe(5);
    expect(quorumMatchedIndex([5, 3, 9, 1], 4)).toBe(3);
    expect(quorumMatchedIndex([7], 1)).toBe(7);
    expect(quorumMatchedIndex([], 0)).toBe(0);
  });

  it("only reads the first `count` values", () => {
    expect(quorumMatchedIndex([1, 2, 100, 100, 100], 2)).toBe(1);
  });

  it("agrees with a brute-force definition", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(50), { minLength: 1, maxLength: 9 }), (matches) => {
        const got = quorumMatchedIndex(matches.slice(), matches.length);
        const q = quorumSize(matches.length);
        // The answer is matched by at least q voters, and anything higher by fewer.
        expect(matches.filter((m) => m >= got).length).toBeGreaterThanOrEqual(q);
        expect(matches.filter((m) => m >= got + 1).length).toBeLessThan(q);
      }),
    );
  });
});

describe("tallyVotes", () => {
  it("wins with a majority, loses when a majority is out of reach", () => {
    expect(tallyVotes(2, 0, 3)).toBe("won");
    expect(tallyVotes(1, 1, 3)).toBe("pending");
    expect(tallyVotes(1, 2, 3)).toBe("lost");
    expect(tallyVotes(2, 2, 4)).toBe("lost");
    expect(tallyVotes(2, 1, 4)).toBe("pending");
    expect(tallyVotes(3, 1, 4)).toBe("won");
    expect(tallyVotes(1, 0, 1)).toBe("won");
  });
});
