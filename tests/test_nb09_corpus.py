"""Notebook 09's corpus (helpers/data/nb09_corpus.txt) was written for the course by the small
grammar below: 1,400 short sentences about a village, drawn with a seeded generator so that
words of one kind (animals, people, food, places, …) appear in the same kinds of places.

The test regenerates the text and requires it to be byte for byte the shipped file: the file's
provenance is this code (MIT, the course's licence). It also checks what the notebook and its
widget rely on: 80 words, one sentence per line, and the word groups of the explorer.
"""

from __future__ import annotations

import numpy as np

from helpers.corpora import read_text
from helpers.widgets.embedding_explorer import GROUPS

ANIMALS = {  # animal: (its foods, what it chases, where it is found)
    "cat": (["fish", "milk"], ["mouse", "bird"], ["house", "garden"]),
    "dog": (["meat", "bones"], ["cat", "fox"], ["house", "yard"]),
    "fox": (["eggs", "meat"], ["bird", "mouse"], ["forest", "field"]),
    "bird": (["seeds", "worms"], [], ["tree", "garden"]),
    "mouse": (["cheese", "grain"], [], ["barn", "house"]),
    "horse": (["grass", "apples"], [], ["barn", "field"]),
}
PEOPLE = {  # person: (their foods, what they carry, where they go)
    "farmer": (["bread", "eggs", "apples"], ["grain", "apples", "milk"],
               ["field", "barn", "market"]),
    "baker": (["bread", "soup"], ["bread", "cakes"], ["market", "house", "shop"]),
    "teacher": (["soup", "bread"], ["books", "letters"], ["school", "house", "market"]),
    "child": (["cakes", "apples", "bread"], ["books", "flowers"], ["school", "garden", "river"]),
    "girl": (["cakes", "soup", "apples"], ["flowers", "letters"], ["river", "school", "garden"]),
    "boy": (["bread", "cakes", "eggs"], ["books", "stones"], ["river", "field", "school"]),
}
ADJ_ANIMAL = ["small", "big", "old", "young", "brown", "white", "black"]
ADJ_PERSON = ["old", "young", "happy", "tired", "kind"]
TIMES = ["in the morning", "at night", "in the evening", "after dinner"]
PREPOSITION = {"house": "in", "garden": "in", "yard": "in", "forest": "in", "field": "in",
               "tree": "in", "barn": "in", "market": "at", "school": "at", "shop": "at",
               "river": "by"}
RARE = ["an owl sleeps in the tree", "the owl sees a mouse at night",
        "the girl carries a lamp to the barn", "the old teacher plays the violin in the evening",
        "the boy carries a lantern to the river", "the child eats a pear in the garden"]


def village(seed: int = 2024, n: int = 1400) -> str:
    """The corpus: n sentences, one per line, each ending with ' .'. (The order of the random
    draws is part of the definition: changing it changes the text.)"""
    rng = np.random.default_rng(seed)

    def noun_phrase(noun, adjectives, p_adj=0.35, det=None):
        det = det or rng.choice(["the", "the", "a"])
        words = [rng.choice(adjectives), noun] if rng.random() < p_adj else [noun]
        if det == "a" and words[0][0] in "aeiou":
            det = "an"
        return " ".join([det, *words])

    def place(places):
        p = rng.choice(places)
        return f"{PREPOSITION[p]} the {p}"

    def maybe(text, p):
        return f" {text}" if rng.random() < p else ""

    def animal_sentence():
        a = rng.choice(list(ANIMALS))
        foods, prey, places = ANIMALS[a]
        kind = rng.random()
        subj = noun_phrase(a, ADJ_ANIMAL)
        if kind < 0.35:
            return f"{subj} eats {rng.choice(foods)}{maybe(place(places), 0.5)}"
        if kind < 0.55 and prey:
            return (f"{subj} chases {noun_phrase(rng.choice(prey), ADJ_ANIMAL)}"
                    f"{maybe(place(places), 0.4)}")
        if kind < 0.75:
            return f"{subj} sleeps {place(places)}{maybe(rng.choice(TIMES), 0.3)}"
        if kind < 0.9:
            return f"{subj} runs to the {rng.choice(places)}"
        return f"{subj} likes {rng.choice(foods)} and {rng.choice(foods)}"

    def person_sentence():
        p = rng.choice(list(PEOPLE))
        foods, things, places = PEOPLE[p]
        kind = rng.random()
        subj = noun_phrase(p, ADJ_PERSON)
        if kind < 0.25:
            return f"{subj} eats {rng.choice(foods)}{maybe(rng.choice(TIMES), 0.4)}"
        if kind < 0.45:
            return f"{subj} carries {rng.choice(things)} to the {rng.choice(places)}"
        if kind < 0.6:
            return f"{subj} walks to the {rng.choice(places)}{maybe(rng.choice(TIMES), 0.3)}"
        if kind < 0.75:
            a = rng.choice(list(ANIMALS))
            return (f"{subj} sees {noun_phrase(a, ADJ_ANIMAL)}"
                    f"{maybe(place(ANIMALS[a][2]), 0.5)}")
        if kind < 0.87:
            return f"{subj} buys {rng.choice(foods)} at the market"
        a = rng.choice(list(ANIMALS))
        return (f"{subj} gives {rng.choice(ANIMALS[a][0])} to "
                f"{noun_phrase(a, ADJ_ANIMAL, det='the')}")

    lines = []
    for _ in range(n):
        r = rng.random()
        if r < 0.48:
            sentence = animal_sentence()
        elif r < 0.98:
            sentence = person_sentence()
        else:
            sentence = str(rng.choice(RARE))
        lines.append(sentence + " .")
    return "\n".join(lines) + "\n"


def test_the_shipped_corpus_is_what_the_grammar_writes():
    assert read_text("nb09_corpus.txt") == village()


def test_corpus_shape_and_word_groups():
    text = read_text("nb09_corpus.txt")
    lines = text.splitlines()
    assert len(lines) == 1400 and all(line.endswith(" .") for line in lines)
    vocab = set(text.split())
    assert len(vocab) == 80 and len(text.split()) == 10779
    grouped = [w for members in GROUPS.values() for w in members]
    assert len(grouped) == len(set(grouped))                   # each word in one group only
    assert set(grouped) <= vocab                               # every grouped word occurs
    assert text == text.lower() and "  " not in text
