#!/usr/bin/env python3
"""Gives every notebook the one-line setup: replaces its leading setup code cells (the code cells before the
first non-setup code cell whose source starts with "// Setup") with the single canonical setup cell.

Usage: python3 scripts/one-line-setup.py [notebooks/*.ipynb]   (default: every notebooks/*.ipynb)
Idempotent; keeps the notebook's JSON layout (one-space indent, as the repository writes it).
The package version comes from src/NeuralNetworks/Course/Package.targets.
"""
import glob, json, os, re, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
targets = open(os.path.join(ROOT, "src/NeuralNetworks/Course/Package.targets"), encoding="utf-8").read()
VERSION = re.search(r"<Version>([^<]+)</Version>", targets).group(1)

CANONICAL = [
    "// Setup: load the course library. Its package also loads MathNet and Plotly.NET, adds the library's `using`s\n",
    "// and shows matrices, passes and charts (offline). After changing the library: rebuild it, restart the kernel.\n",
    f'#r "nuget: NeuralNetworks, {VERSION}"',
]

SETUP_SECTION = f"""## The setup cell

Every notebook starts with the same code cell: one line, `#r "nuget: NeuralNetworks, {VERSION}"`. Run it first (or use *Run All*).
It loads the course library, packed as a NuGet package, and what the library uses (MathNet.Numerics for matrices,
Plotly.NET for charts). The package then sets the notebook up: the library's `using`s and
`using MathNet.Numerics.LinearAlgebra;`, tables and charts for matrices, vectors, passes and results, and plotly.js
put on the page once, so charts draw without an internet connection. The MNIST digits travel inside the package,
so the notebooks run from any folder.

If you change the library, rebuild it (any `dotnet build` of the course repository repacks it and puts it in your
NuGet package folder), then **restart the kernel** and Run All: a running kernel keeps the library it loaded."""

def rewrite_setup_section(nb):
    """Notebook 00 explains the setup: its section "## The setup cell(s)" (to the end of its cell) is rewritten."""
    for cell in nb["cells"]:
        src = "".join(cell["source"])
        at = src.find("## The setup cell")
        if cell["cell_type"] == "markdown" and at >= 0:
            text = src[:at] + SETUP_SECTION
            cell["source"] = [line for line in text.splitlines(keepends=True)]
            return True
    return False

# Prose written for the old two-cell setup (exact phrases; nothing happens where they do not occur).
PROSE = [
    ("what the two setup cells at the top of every notebook do", "what the one-line setup at the top of every notebook does"),
    ("The two setup cells build and load the library, and make values and charts display offline.",
     "The setup line loads the library as a package, which makes values and charts display offline."),
    ("Run the two setup cells first (they are the same in every notebook).", "Run the setup cell first (it is the same in every notebook)."),
]

def rewrite_prose(nb):
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        text = "".join(cell["source"])
        new = text
        for old, replacement in PROSE:
            new = new.replace(old, replacement)
        if new != text:
            cell["source"] = new.splitlines(keepends=True)

def is_setup(cell):
    return cell["cell_type"] == "code" and "".join(cell["source"]).lstrip().startswith("// Setup")

def apply(path):
    with open(path, encoding="utf-8") as f:
        nb = json.load(f)
    cells = nb["cells"]
    first = next(i for i, c in enumerate(cells) if c["cell_type"] == "code")
    end = first
    while end < len(cells) and (is_setup(cells[end]) or (cells[end]["cell_type"] == "code" and end == first)):
        if not is_setup(cells[end]):
            sys.exit(f"{path}: its first code cell is not a setup cell (starts with '// Setup')")
        end += 1
    cell = dict(cells[first])
    cell["source"] = CANONICAL
    cell["outputs"] = []
    cell["execution_count"] = None
    nb["cells"] = cells[:first] + [cell] + cells[end:]
    rewrite_setup_section(nb)
    rewrite_prose(nb)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(nb, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"{os.path.relpath(path, ROOT)}: {end - first} setup cell(s) -> 1")

for path in sys.argv[1:] or sorted(glob.glob(os.path.join(ROOT, "notebooks", "*.ipynb"))):
    apply(path)
