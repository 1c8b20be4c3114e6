"""How many answers of two `fluxo load --output` files agree: prints SAME/TOTAL (scripts/loop.sh)."""
import json
import sys


def load(path):
    with open(path, encoding="utf-8") as f:
        return [(a["client"], a["step"], a["handler"], a["input"], a["status"], a["answer"]) for a in map(json.loads, f)]


before, after = load(sys.argv[1]), load(sys.argv[2])
same = sum(1 for x, y in zip(before, after) if x == y)
print(f"{same}/{max(len(before), len(after))}")
