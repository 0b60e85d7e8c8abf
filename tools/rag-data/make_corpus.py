#!/usr/bin/env python3
"""Writes samples/rag-security: a synthetic, labelled security corpus for retrieval evaluation (issue 11).

    python3 tools/rag-data/make_corpus.py            # (re)writes samples/rag-security/docs and questions.jsonl
    python3 tools/rag-data/make_corpus.py --check    # regenerates into a temporary folder, compares byte for byte

Every document is built from slots (organisation, incident, topic, product, weakness, versions, numbers) and every
question from the slots of one document; a question's relevant documents are all those whose slots match its key,
so the labels are right by construction. Standard library only; the output depends on the seed alone.
"""

import argparse
import filecmp
import json
import os
import random
import sys
import tempfile

import advisories
import policies
import runbooks
import wording
from world import CONTACTS, LANGS, ORGS

SEED = 20261208

# documents per language and type: about 60% es, 20% pt, 20% en
COUNTS = {
    "es": {"runbook": 78, "advisory": 66, "policy": 54},
    "pt": {"runbook": 26, "advisory": 22, "policy": 18},
    "en": {"runbook": 26, "advisory": 22, "policy": 18},
}
CONTACT_DOCS = {"es": 9, "pt": 3, "en": 3}  # documents that carry a fake contact line (PII for --anonymize)
QUESTION_RATE = 0.68  # share of documents that get a question of their own
CROSS_RATE = 0.2  # share of those asked in another language than the document's
MIN_WORDS, MAX_WORDS = 150, 600
RENDER = {"runbook": runbooks.render, "advisory": advisories.render, "policy": policies.render}
ASK = {"runbook": runbooks.questions, "advisory": advisories.questions, "policy": policies.questions}
CONTACT_LINE = "{label}: {name} <{email}>, {phone}"


def plan(rng):
    """Every document's slots, with its language and path relative to docs/."""
    docs = []
    for lang in LANGS:
        docs += [dict(s, lang=lang) for s in runbooks.plan(rng, lang, ORGS[lang], COUNTS[lang]["runbook"])]
        docs += [dict(s, lang=lang) for s in policies.plan(rng, lang, ORGS[lang], COUNTS[lang]["policy"])]
    adv = advisories.plan(rng, sum(COUNTS[lang]["advisory"] for lang in LANGS))
    langs = [lang for lang in LANGS for _ in range(COUNTS[lang]["advisory"])]
    rng.shuffle(langs)
    docs += [dict(s, lang=lang) for s, lang in zip(adv, langs)]
    numbers = {}
    for d in docs:
        n = numbers[(d["lang"], d["type"])] = numbers.get((d["lang"], d["type"]), 0) + 1
        d["path"] = "%s/%s-%04d.md" % (d["lang"], d["type"], n)
    for lang in LANGS:
        mine = [d for d in docs if d["lang"] == lang]
        for d, contact in zip(rng.sample(mine, CONTACT_DOCS[lang]), rng.choices(CONTACTS[lang], k=CONTACT_DOCS[lang])):
            d["contact"] = contact
    return docs


def render(seed, d):
    """A document's Markdown; its own random stream (seeded by its path) picks the wording."""
    rng = random.Random("%d:%s" % (seed, d["path"]))
    lines = wording.vary(rng, RENDER[d["type"]](rng, d, d["lang"]), d["lang"])
    if "contact" in d:
        label, name, email, phone = d["contact"]
        lines += [CONTACT_LINE.format(label=label, name=name, email=email, phone=phone), ""]
    text = "\n".join(lines).strip() + "\n"
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    words = len(text.split())
    if not MIN_WORDS <= words <= MAX_WORDS:
        raise SystemExit("make_corpus: %s has %d words, outside [%d, %d]" % (d["path"], words, MIN_WORDS, MAX_WORDS))
    return text


def matches(d, key):
    """Whether document slots `d` answer a question with this key ("version": that version is affected)."""
    for k, want in key.items():
        if k == "version":
            if d.get("type") != "advisory" or not advisories.in_range(d, want):
                return False
        elif d.get(k) != want:
            return False
    return True


def other_lang(rng, lang):
    # Spanish first: a question about a pt or en document is asked in Spanish when it crosses languages
    return rng.choice(["pt", "en"]) if lang == "es" else "es"


def questions(rng, docs):
    """Questions as dicts (without ids), each with the documents that answer it."""
    out, seen = [], set()

    def add(kind, query, key, qlang, doc_type):
        relevant = sorted(d["path"] for d in docs if matches(d, key))
        if 1 <= len(relevant) <= 3 and query not in seen:
            seen.add(query)
            out.append({"lang": qlang, "query": query, "relevant": relevant, "kind": doc_type + "/" + kind})

    for d in docs:
        if rng.random() < QUESTION_RATE:
            qlang = other_lang(rng, d["lang"]) if rng.random() < CROSS_RATE else d["lang"]
            kind, query, key = ASK[d["type"]](rng, d, qlang)
            add(kind, query, key, qlang, d["type"])
    families = {}
    for d in docs:
        if d["type"] in ("runbook", "policy"):
            families.setdefault((d["type"], d["org"], d["family"]), d)
    for (doc_type, _, _), d in families.items():
        members = [x for x in docs if x["type"] == doc_type and x["org"] == d["org"] and x["family"] == d["family"]]
        if len(members) >= 2 and rng.random() < 0.5:
            make = runbooks.family_question if doc_type == "runbook" else policies.family_question
            asked = make(d, d["lang"])
            if asked:
                add(*asked, d["lang"], doc_type)
    for product in sorted({d["product"] for d in docs if d["type"] == "advisory"}):
        qlang = rng.choice(["es", "es", "es", "pt", "en"])
        add(*advisories.critical_question(rng, product, qlang), qlang, "advisory")
    rng.shuffle(out)
    return out


def write(out_dir, seed):
    rng = random.Random(seed)
    docs = plan(rng)
    for d in docs:
        path = os.path.join(out_dir, "docs", d["path"])
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(render(seed, d))
    qs = questions(rng, docs)
    with open(os.path.join(out_dir, "questions.jsonl"), "w", encoding="utf-8", newline="\n") as f:
        for n, q in enumerate(qs, 1):
            line = {"id": "q%04d" % n}
            line.update((k, q[k]) for k in ("lang", "query", "relevant", "kind"))
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    return docs, qs


def files(root):
    found = []
    for base, _, names in os.walk(root):
        found += [os.path.relpath(os.path.join(base, n), root) for n in names]
    return sorted(found)


def check(out_dir, seed):
    """Regenerates into a temporary folder and compares it with out_dir, byte for byte; 0 when identical."""
    with tempfile.TemporaryDirectory() as tmp:
        write(tmp, seed)
        want = files(tmp)
        have = ["questions.jsonl"] if os.path.exists(os.path.join(out_dir, "questions.jsonl")) else []
        if os.path.isdir(os.path.join(out_dir, "docs")):
            have += [os.path.join("docs", p) for p in files(os.path.join(out_dir, "docs"))]
        have.sort()
        missing = sorted(set(want) - set(have))
        extra = sorted(set(have) - set(want))
        same = lambda p: filecmp.cmp(os.path.join(tmp, p), os.path.join(out_dir, p), shallow=False)
        differ = [p for p in sorted(set(want) & set(have)) if not same(p)]
    for label, paths in (("missing", missing), ("not generated", extra), ("different", differ)):
        for p in paths[:20]:
            print("make_corpus: %s: %s" % (label, p), file=sys.stderr)
    if missing or extra or differ:
        print("make_corpus: %s differs from the generator's output; rerun without --check" % out_dir, file=sys.stderr)
        return 1
    print("make_corpus: %s is identical to the generator's output (%d files)" % (out_dir, len(want)))
    return 0


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.normpath(os.path.join(here, "..", "..", "samples", "rag-security"))
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", default=default_out, help="output folder (default: samples/rag-security)")
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--check", action="store_true", help="compare --out with a fresh generation; exit 1 if they differ")
    a = p.parse_args()
    if a.check:
        return check(a.out, a.seed)
    docs_dir = os.path.join(a.out, "docs")
    for old in files(docs_dir) if os.path.isdir(docs_dir) else []:
        os.remove(os.path.join(docs_dir, old))  # documents the generator no longer writes must not linger
    docs, qs = write(a.out, a.seed)
    by = {}
    for d in docs:
        by[(d["lang"], d["type"])] = by.get((d["lang"], d["type"]), 0) + 1
    print("make_corpus: %d documents, %d questions in %s" % (len(docs), len(qs), a.out))
    for key in sorted(by):
        print("  %s %s: %d" % (key[0], key[1], by[key]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
