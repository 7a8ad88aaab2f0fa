#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Build the benchmark corpus: data that compresses the way memory does.

usage: mkcorpus.py [--mib N] [--out DIR]

Memory handed to zram is a mix of program text, strings, zero-filled pages
and data that is already dense.  The corpus imitates that with four kinds
of 16 KiB chunks, shuffled with a fixed seed so that every kind is spread
over the whole file the way pages of different owners are spread over
memory:

  elf     executables and shared libraries from /usr/bin and /usr/lib
  text    C headers, Perl modules and documentation (never .gz files)
  zero    zero-filled pages (zram stores them as "same-filled")
  random  bytes from a fixed-seed generator (incompressible)

The files are read in sorted order and the generators are seeded, so on one
machine the corpus is the same every time; on another machine the binaries
differ a little.  The result is DIR/corpus.bin plus DIR/corpus.info, which
records the recipe, a checksum and the ratio that deflate reaches on each
4 KiB page on its own (zram compresses pages one at a time; LZO and LZ4
reach a little less than deflate).  An existing corpus with the same recipe
is kept.
"""
import argparse
import hashlib
import os
import random
import sys
import zlib

CHUNK = 16 * 1024
PAGE = 4096
SEED = 20241121

# Share of each kind of chunk, in percent.
RECIPE = (("elf", 30), ("text", 35), ("zero", 27), ("random", 8))

ELF_DIRS = ("/usr/bin", "/usr/sbin", "/usr/lib/x86_64-linux-gnu")
TEXT_DIRS = ("/usr/include", "/usr/share/perl", "/usr/share/doc")
TEXT_SUFFIXES = (".h", ".pm", ".pl", ".txt", ".md", ".html", "copyright",
                 "changelog", "README")


def walk_sorted(top):
    """Yield regular files under top in a stable order."""
    for root, dirs, files in os.walk(top):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            if os.path.isfile(path) and not os.path.islink(path):
                yield path


def is_elf(path):
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def is_text(path):
    name = os.path.basename(path)
    return not name.endswith(".gz") and name.endswith(TEXT_SUFFIXES)


def file_stream(dirs, accept):
    """Yield CHUNK-sized pieces of the concatenation of accepted files."""
    pending = b""
    for top in dirs:
        for path in walk_sorted(top):
            if not accept(path):
                continue
            try:
                with open(path, "rb") as f:
                    pending += f.read()
            except OSError:
                continue
            while len(pending) >= CHUNK:
                yield pending[:CHUNK]
                pending = pending[CHUNK:]


def take(stream, count, kind):
    chunks = []
    for chunk in stream:
        chunks.append(chunk)
        if len(chunks) == count:
            return chunks
    sys.exit("mkcorpus: not enough %s data on this machine (%d of %d chunks)"
             % (kind, len(chunks), count))


def build(mib):
    total = mib * 1024 * 1024 // CHUNK
    counts = {kind: total * share // 100 for kind, share in RECIPE}
    counts["elf"] += total - sum(counts.values())
    rng = random.Random(SEED)
    pools = {
        "elf": take(file_stream(ELF_DIRS, is_elf), counts["elf"], "elf"),
        "text": take(file_stream(TEXT_DIRS, is_text), counts["text"], "text"),
        "zero": [bytes(CHUNK)] * counts["zero"],
        "random": [rng.randbytes(CHUNK) for _ in range(counts["random"])],
    }
    order = [kind for kind, _ in RECIPE for _ in range(counts[kind])]
    rng.shuffle(order)
    cursor = {kind: 0 for kind in pools}
    for kind in order:
        yield pools[kind][cursor[kind]]
        cursor[kind] += 1


def page_ratio(data):
    """Ratio deflate reaches compressing each page on its own."""
    packed = 0
    for off in range(0, len(data), PAGE):
        page = data[off:off + PAGE]
        if page.count(0) == PAGE:
            continue	# zram keeps only a word for a same-filled page
        packed += min(len(zlib.compress(page, 1)), PAGE)
    return len(data) / max(packed, 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=128)
    parser.add_argument("--out", default="build/bench-data")
    args = parser.parse_args()

    recipe = "mib=%d chunk=%d seed=%d %s" % (
        args.mib, CHUNK, SEED, " ".join("%s=%d" % r for r in RECIPE))
    corpus = os.path.join(args.out, "corpus.bin")
    info = os.path.join(args.out, "corpus.info")
    try:
        with open(info) as f:
            if f.readline().strip() == "recipe " + recipe and \
               os.path.getsize(corpus) == args.mib << 20:
                print("mkcorpus: %s is up to date" % corpus)
                return
    except OSError:
        pass

    os.makedirs(args.out, exist_ok=True)
    data = b"".join(build(args.mib))
    with open(corpus + ".tmp", "wb") as f:
        f.write(data)
    os.replace(corpus + ".tmp", corpus)
    ratio = page_ratio(data)
    with open(info, "w") as f:
        f.write("recipe %s\n" % recipe)
        f.write("sha256 %s\n" % hashlib.sha256(data).hexdigest())
        f.write("deflate1_page_ratio %.2f\n" % ratio)
    print("mkcorpus: %s: %d MiB, deflate per 4 KiB page %.2f:1"
          % (corpus, args.mib, ratio))


if __name__ == "__main__":
    main()
