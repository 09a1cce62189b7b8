"""Canonical JSON of CPython's `ast` for Python files, to check gclab's parser against (test/python-parse.test.ts).

Usage: python3 ast_dump.py FILE...   (or the paths one per line on stdin when there are no arguments)

Prints one JSON document: {"version": "3.11.7", "schema": {ClassName: [fields, attributes]},
"files": [{"path": p, "tree": node} | {"path": p, "error": {"msg", "lineno", "offset"}}]}.

A node is {"_type": ClassName, field: value, ...} over `_fields`, then the position attributes the
class has (lineno, col_offset, end_lineno, end_col_offset). Constant values carry a type tag, since
JSON alone cannot tell 1 from 1.0 or str from bytes:
  {"int": "123"} (decimal), {"float": repr}, {"complex": [repr(real), repr(imag)]}, {"str": s},
  {"bytes": hex}, {"ellipsis": true}; None, True and False as themselves.

Left out because `ast.parse` without type_comments=True always gives them empty and py-ast does not
model them: `type_comment` (always None) and Module's `type_ignores` (always []). Constant's `kind`
("u" for a u-prefixed str, else None) is kept: py-ast has it.
The schema lets the TypeScript side pick exactly CPython's fields out of py-ast's nodes.
"""
import ast
import json
import sys
import warnings

DROPPED = {"type_comment", "type_ignores"}
POSITIONS = ("lineno", "col_offset", "end_lineno", "end_col_offset")


def constant(v):
    if v is None or isinstance(v, bool):
        return v
    if v is Ellipsis:
        return {"ellipsis": True}
    if isinstance(v, int):
        return {"int": str(v)}
    if isinstance(v, float):
        return {"float": repr(v)}
    if isinstance(v, complex):
        return {"complex": [repr(v.real), repr(v.imag)]}
    if isinstance(v, str):
        return {"str": v}
    if isinstance(v, bytes):
        return {"bytes": v.hex()}
    raise TypeError(f"unexpected constant {v!r}")


def node(n):
    out = {"_type": type(n).__name__}
    for f in n._fields:
        if f in DROPPED:
            continue
        v = getattr(n, f, None)
        if isinstance(n, ast.JoinedStr) and f == "values":
            # CPython 3.12.1 ends a format spec like `{x:{w}}` with an empty Constant; 3.11 and 3.13
            # (and py-ast) have no empty parts.
            v = [x for x in v if not (isinstance(x, ast.Constant) and x.value == "")]
        if isinstance(n, ast.Constant) and f == "value":
            out[f] = constant(v)
        else:
            out[f] = value(v)
    for a in POSITIONS:
        if a in n._attributes:
            out[a] = getattr(n, a, None)
    return out


def value(v):
    if isinstance(v, ast.AST):
        return node(v)
    if isinstance(v, list):
        return [value(x) for x in v]
    # identifiers, `conversion`, `level`, `simple`, `is_async`, Constant's `kind`, MatchSingleton's value
    return v


def schema():
    classes = {}
    for name in dir(ast):
        c = getattr(ast, name)
        if isinstance(c, type) and issubclass(c, ast.AST):
            fields = [f for f in c._fields if f not in DROPPED]
            classes[name] = [fields, [a for a in POSITIONS if a in c._attributes]]
    return classes


def dump(path):
    with open(path, "rb") as f:
        source = f.read()
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as e:
        return {"path": path, "error": {"msg": e.msg, "lineno": e.lineno, "offset": e.offset}}
    return {"path": path, "tree": node(tree)}


def main():
    if hasattr(sys, "set_int_max_str_digits"):
        sys.set_int_max_str_digits(0)  # a long hex literal is valid, but too long for str() by default
    warnings.simplefilter("ignore")  # SyntaxWarnings (`"\d"` and the like) change nothing in the tree
    paths = sys.argv[1:] or [line.strip() for line in sys.stdin if line.strip()]
    doc = {
        "version": "%d.%d.%d" % sys.version_info[:3],
        "schema": schema(),
        "files": [dump(p) for p in paths],
    }
    # dumps, not dump: dump's chunked writes are several times slower on a big tree.
    sys.stdout.write(json.dumps(doc) + "\n")


if __name__ == "__main__":
    main()
