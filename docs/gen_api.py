"""Print the Reference section of docs/api.md from the docstrings (inspect.signature + first paragraph).

Run from the repository root: ``python docs/gen_api.py > /tmp/ref.md`` and paste it below "# Reference".
"""

import importlib
import inspect

import theorylab

SECTIONS = [
    ("theorylab.symbolic", "Symbolic layer", None),
    ("theorylab.numeric", "Numeric layer", None),
    ("theorylab.learners", "Learners of one's own: two open directions (examples)", None),
    ("theorylab.compare", "Comparison layer", None),
    ("theorylab.sweeps", "Sweeps", None),
    ("theorylab.report", "The typed report", None),
    ("theorylab.reproduction", "The headline reproduction", None),
    ("theorylab.plots", "Plots (needs matplotlib)", None),
    ("theorylab.testing", "Hypothesis strategies (needs hypothesis)", None),
    ("theorylab.cli", "Command line", ["main", "build_parser", "SUBCOMMANDS"]),
]
LAYER = {"symbolic": "Symbolic layer", "numeric": "Numeric layer", "compare": "Comparison layer",
         "sweeps": "Sweeps", "report": "The typed report", "reproduction": "The headline reproduction",
         "plots": "Plots (needs matplotlib)"}


def anchor(title: str) -> str:
    return "#" + "".join(c for c in title.lower().replace(" ", "-") if c.isalnum() or c == "-")


def summary(obj) -> str:
    doc = inspect.getdoc(obj) or ""
    return doc.strip().split("\n\n")[0].replace("\n", " ").strip()


def signature(obj) -> str:
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return "(...)"
    params = [p.replace(annotation=inspect.Parameter.empty) for p in sig.parameters.values()]
    return str(sig.replace(parameters=params, return_annotation=inspect.Signature.empty))


def methods(cls) -> list[str]:
    out = []
    for name, member in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(member, property):
            continue
        if callable(member) or isinstance(member, (classmethod, staticmethod)):
            out.append(name)
    return out


def entry(module: str, name: str) -> str:
    obj = getattr(importlib.import_module(module), name)
    top = " — also `theorylab." + name + "`" if name in theorylab._EXPORTS else ""
    if inspect.isclass(obj):
        kind = "exception" if issubclass(obj, Exception) else "class"
        line = f"- **`{name}{signature(obj)}`** ({kind}{top.replace(' — ', ', ')}) — {summary(obj)}"
        ms = methods(obj)
        if ms and kind == "class":
            line += " Methods: " + ", ".join(f"`{m}`" for m in ms) + "."
        return line
    if callable(obj):
        return f"- **`{name}{signature(obj)}`**{top.replace(' — ', ' (').rstrip() + ')' if top else ''} — {summary(obj)}"
    if isinstance(obj, dict):
        keys = ", ".join(f"`{k}`" for k in list(obj)[:10]) + (", …" if len(obj) > 10 else "")
        what = f"dict of {len(obj)}: {keys}"
    elif isinstance(obj, (tuple, list, frozenset, set)):
        items = ", ".join(f"`{k}`" for k in list(obj)[:10]) + (", …" if len(obj) > 10 else "")
        what = f"{type(obj).__name__} of {len(obj)}: {items}"
    else:
        what = f"`{obj!r}`"
    return f"- **`{name}`**{' (also `theorylab.' + name + '`)' if top else ''} (constant) — {what}"


def main() -> None:
    print("## Top level: `import theorylab as tl`\n")
    print("Each name is loaded lazily from the module that defines it; the full entry is in that layer's section.\n")
    groups: dict[str, list[str]] = {}
    for name, module in theorylab._EXPORTS.items():
        groups.setdefault(LAYER[module.split(".")[1]], []).append(f"[`{name}`]({anchor(LAYER[module.split('.')[1]])})")
    print("| layer | names |\n|---|---|")
    for title, names in groups.items():
        print(f"| {title} | {', '.join(names)} |")
    print("| version | `__version__` |\n")
    for module, title, names in SECTIONS:
        mod = importlib.import_module(module)
        names = names or list(mod.__all__)
        print(f"## {title}\n")
        print(f"`{module}` — {summary(mod)}\n")
        for name in names:
            print(entry(module, name))
        if module == "theorylab.cli":
            print("\nSubcommands (`theorylab <command> --help` for their options):\n")
            for sub in mod._available():
                print(f"- `theorylab {sub}` — {importlib.import_module('theorylab.cli.' + sub).HELP}")
        print()


if __name__ == "__main__":
    main()
