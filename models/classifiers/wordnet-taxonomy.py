#!/usr/bin/env python3
"""Writes a classifier's taxonomy from WordNet (Debian: wordnet, wordnet-base): one line per class that
is an animal, `index;class;order;family;genus;species;common name`, lowercase, empty where WordNet
knows no such rank. Non-animal classes get no line (no taxon).

    models/classifiers/wordnet-taxonomy.py LABELS > TAXONOMY

LABELS has one class a line, index = line number from 0, each line the WordNet synset's synonyms
separated by commas (the ImageNet-1k labels are so). For each class the synset is the noun sense whose
synonyms are the line's; it is an animal when `animal` is among its hypernyms. Its ranks come from
WordNet's member holonyms (African elephant: member of genus Loxodonta, member of family
Elephantidae, member of order Proboscidea, member of class Mammalia), taken from the synset or, when
it has none (a dog breed), from its nearest hypernym that has (dog, Canis familiaris). The species
epithet is the second word of a synonym that is a binomial of that genus (Loxodonta africana).
Where the synset lists an older binomial beside the current one, the first listed is taken. WordNet
dates from the 1990s: check the lines for the taxa that matter at your sites and correct them by hand.
"""
import functools
import re
import subprocess
import sys

RANKS = ["class", "order", "family", "genus"]

# The class a hypernym implies: a holonym chain that ends elsewhere went through a homonym genus
# (Arenaria is a bird genus and a plant genus), so only its genus is kept.
CLASS_OF_HYPERNYM = {"bird": "aves", "mammal": "mammalia", "reptile": "reptilia", "amphibian": "amphibia"}


def run_wn(word, option):
    done = subprocess.run(["wn", word, option], capture_output=True, text=True, check=False)
    return done.stdout


def synonyms(line):
    return [w.strip() for w in line.split(",") if w.strip()]


def key(line):
    return tuple(sorted(w.lower() for w in synonyms(line)))


@functools.lru_cache(maxsize=None)
def senses(word):
    """Noun senses of a word: synonyms line → list of hypernym lines (nearest first)."""
    text = run_wn(word.replace(" ", "_"), "-hypen")
    found = {}
    current = None
    for raw in text.splitlines():
        if raw.startswith("Sense "):
            current = None
            continue
        stripped = raw.strip()
        if not stripped:
            continue
        if current is None and not stripped.startswith("=>") and raw == raw.lstrip():
            current = stripped
            found[current] = []
        elif current is not None and stripped.startswith("=>"):
            found[current].append(stripped[2:].strip())
    return found


@functools.lru_cache(maxsize=None)
def holonyms(synset_line):
    """The member holonyms of the synset whose synonyms are `synset_line`."""
    first = synonyms(synset_line)[0]
    text = run_wn(first.replace(" ", "_"), "-smemn")
    result = []
    current = None
    for raw in text.splitlines():
        stripped = raw.strip()
        if raw.startswith("Sense "):
            current = None
        elif stripped.startswith("MEMBER OF:"):
            if current is not None and key(current) == key(synset_line):
                result.append(stripped[len("MEMBER OF:"):].strip())
        elif stripped and current is None and raw == raw.lstrip() and not raw.startswith("Member Holonyms") and "sense" not in raw:
            current = stripped
    return result


def rank_of(holonym_line):
    for word in synonyms(holonym_line):
        match = re.fullmatch(r"(class|order|family|genus) (\S+)", word, re.IGNORECASE)
        if match:
            return match.group(1).lower(), match.group(2).lower()
    return None


def chain(synset_line):
    """Ranks found walking up the member holonyms from a synset."""
    ranks = {}
    seen = set()
    line = synset_line
    while True:
        above = holonyms(line)
        if not above or above[0] in seen:
            return ranks
        line = above[0]
        seen.add(line)
        found = rank_of(line)
        if found and found[0] not in ranks:
            ranks[found[0]] = found[1]


def taxon(label_line):
    words = synonyms(label_line)
    candidates = senses(words[0])
    synset = next((s for s in candidates if key(s) == key(label_line)), None)
    if synset is None:
        synset = max(candidates, key=lambda s: len(set(key(s)) & set(key(label_line))), default=None)
    if synset is None or not any(h.startswith("animal,") for h in candidates[synset]):
        return None
    implied = next((CLASS_OF_HYPERNYM[synonyms(h)[0]] for h in candidates[synset] if synonyms(h)[0] in CLASS_OF_HYPERNYM), None)
    ranks = {}
    species = ""
    for line in [synset] + candidates[synset]:
        found = chain(line)
        if implied and found.get("class", implied) != implied:
            found = {r: n for r, n in found.items() if r == "genus"}
        if not found:
            continue
        highest = max((RANKS.index(r) for r in ranks), default=len(RANKS))
        if not ranks:
            ranks = found
            genus = found.get("genus")
            binomials = [w.lower().split() for w in synonyms(synset) + synonyms(line) if re.fullmatch(r"[A-Z][a-z]+ [A-Za-z][a-z]+", w)]
            epithet = next((b[1] for b in binomials if b[0] == genus), None)
            if epithet:
                # The synset may list an older binomial beside the current one (Ursus americanus,
                # Euarctos americanus) while its genus holonym is the older genus: the first listed wins.
                current = next(b for b in binomials if b[1] == epithet)
                ranks["genus"], species = current
        else:
            for rank, name in found.items():
                if RANKS.index(rank) < highest and rank not in ranks:
                    ranks[rank] = name
        if "class" in ranks:
            break
    if implied and "class" not in ranks:
        ranks["class"] = implied
    return [ranks.get(r, "") for r in RANKS] + [species, words[0].lower()]


def main():
    labels = open(sys.argv[1], encoding="utf-8").read().splitlines()
    print(f"# Taxonomy of {sys.argv[1].split('/')[-1]}, made from WordNet by wordnet-taxonomy.py: index;class;order;family;genus;species;common name")
    for index, line in enumerate(labels):
        found = taxon(line)
        if found:
            print(";".join([str(index)] + found))


if __name__ == "__main__":
    main()
