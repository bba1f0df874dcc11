#!/usr/bin/env python3
"""gen.py — the schema compiler: cluster/api/schema/*.schema → cluster/api/types/*.{h,cpp}.

    gen.py             rewrite the generated files
    gen.py --check     exit 1 (and name the files) when any generated file is stale
    gen.py --parse F…  parse the given files only and report errors (for schema authors)

The language is described in README.md beside this file. The generated header of a package
holds its structs; the generated source holds, for each struct, the table of its fields
(schema::Field) that the JSON, protobuf, defaulting and OpenAPI code walk.
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
OUT = os.path.join(ROOT, "cluster", "api", "types")

SCALARS = {
    "string": "std::string",
    "bool": "bool",
    "int32": "std::int32_t",
    "int64": "std::int64_t",
    "double": "double",
    "bytes": "::kubepp::api::Bytes",
    "quantity": "::kubepp::api::Quantity",
    "intstr": "::kubepp::api::IntOrString",
    "time": "::kubepp::api::Time",
    "microtime": "::kubepp::api::MicroTime",
    "json": "::kubepp::api::RawJson",
}
DEFAULTABLE = {"string", "bool", "int32", "int64", "double", "quantity", "intstr"}
CPP_KEYWORDS = {
    "alignas", "alignof", "and", "asm", "auto", "bool", "break", "case", "catch", "char",
    "class", "concept", "const", "consteval", "constexpr", "continue", "default", "delete",
    "do", "double", "else", "enum", "explicit", "export", "extern", "false", "float", "for",
    "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace", "new", "not",
    "operator", "or", "private", "protected", "public", "register", "requires", "return",
    "short", "signed", "sizeof", "static", "struct", "switch", "template", "this", "throw",
    "true", "try", "typedef", "typeid", "typename", "union", "unsigned", "using", "virtual",
    "void", "volatile", "while", "xor",
}
FIELD_FLAGS = {"keep", "required", "inline"}
FIELD_KEYS = {"patch", "list", "map", "enum", "default"}


class SchemaError(Exception):
    pass


class Type:
    """A parsed type expression: kind is scalar/struct/list/map/optional."""

    def __init__(self, kind, name=None, elem=None, package=None):
        self.kind, self.name, self.elem, self.package = kind, name, elem, package
        self.struct = None  # resolved Struct for kind == "struct"

    def __repr__(self):
        return {"list": lambda: "[]%r" % self.elem, "map": lambda: "map[%r]" % self.elem,
                "optional": lambda: "*%r" % self.elem}.get(self.kind, lambda: self.name)()


class Field:
    def __init__(self, number, name, type_, loc):
        self.number, self.name, self.type, self.loc = number, name, type_, loc
        self.keep = self.required = self.inline = False
        self.patch_strategy = self.patch_key = ""
        self.list_type, self.list_keys, self.map_type = "", [], ""
        self.enum, self.default, self.description = [], None, ""

    @property
    def member(self):
        return self.name + "_" if self.name in CPP_KEYWORDS else self.name


class Struct:
    def __init__(self, package, name, loc):
        self.package, self.name, self.loc = package, name, loc
        self.fields, self.description = [], ""
        self.is_kind = self.atomic = False
        self.attrs = {}
        self.list_of = None  # for generated NAMEList kinds: the item struct

    @property
    def openapi(self):
        return self.package.openapi + "." + self.name

    def api_version(self):
        return self.attrs.get("apiVersion", self.package.api_version)


class Package:
    def __init__(self, name, loc):
        self.name, self.loc = name, loc  # "core/v1"
        self.api_version = self.openapi = ""
        self.structs = {}  # name → Struct, in file order
        self.files = []

    @property
    def ident(self):  # core_v1
        group, _, version = self.name.partition("/")
        return group.split(".")[0] + "_" + version


def tokenize(line, loc):
    """Split a line into words and quoted strings ("…" with \\" and \\\\ escapes)."""
    out, i = [], 0
    while i < len(line):
        c = line[i]
        if c.isspace():
            i += 1
        elif c == "#":
            break
        elif c == '"':
            j, s = i + 1, []
            while j < len(line) and line[j] != '"':
                if line[j] == "\\" and j + 1 < len(line):
                    j += 1
                s.append(line[j])
                j += 1
            if j >= len(line):
                raise SchemaError("%s: unterminated string" % loc)
            out.append(("str", "".join(s)))
            i = j + 1
        else:
            j = i
            while j < len(line) and not line[j].isspace():
                j += 1
            out.append(("word", line[i:j]))
            i = j
    return out


def parse_type(text, loc):
    if text.startswith("[]"):
        return Type("list", elem=parse_type(text[2:], loc))
    if text.startswith("*"):
        return Type("optional", elem=parse_type(text[1:], loc))
    m = re.fullmatch(r"map\[(.+)\]", text)
    if m:
        return Type("map", elem=parse_type(m.group(1), loc))
    if text in SCALARS:
        return Type("scalar", name=text)
    m = re.fullmatch(r"(?:([a-z0-9.\-]+/v[0-9a-z]+)\.)?([A-Z][A-Za-z0-9]*)", text)
    if not m:
        raise SchemaError("%s: not a type: %r" % (loc, text))
    return Type("struct", name=m.group(2), package=m.group(1))


def parse_field(tokens, loc):
    words = [t for t in tokens]
    if len(words) < 3 or words[0][0] != "word" or words[1][0] != "word" or words[2][0] != "word":
        raise SchemaError("%s: a field is NUMBER NAME TYPE [FLAGS] [\"DESCRIPTION\"]" % loc)
    num = words[0][1]
    if num == "-":
        number = 0
    elif num.isdigit() and int(num) > 0:
        number = int(num)
    else:
        raise SchemaError("%s: field number must be a positive integer or '-': %r" % (loc, num))
    name = words[1][1]
    if not re.fullmatch(r"[A-Za-z_$][A-Za-z0-9_]*", name):
        raise SchemaError("%s: not a field name: %r" % (loc, name))
    f = Field(number, name, parse_type(words[2][1], loc), loc)
    for kind, w in words[3:]:
        if kind == "str":
            f.description = (f.description + " " + w).strip()
            continue
        if f.description:
            raise SchemaError("%s: flags must come before the description" % loc)
        if w in FIELD_FLAGS:
            setattr(f, w, True)
            continue
        key, eq, value = w.partition("=")
        if not eq or key not in FIELD_KEYS or not value:
            raise SchemaError("%s: unknown flag %r" % (loc, w))
        if key == "patch":
            strategy, _, mkey = value.partition(":")
            for s in strategy.split(","):
                if s not in ("merge", "replace", "retainKeys"):
                    raise SchemaError("%s: unknown patch strategy %r" % (loc, s))
            f.patch_strategy, f.patch_key = strategy, mkey
        elif key == "list":
            lt, _, keys = value.partition(":")
            if lt not in ("atomic", "set", "map"):
                raise SchemaError("%s: list= must be atomic, set or map" % loc)
            if (lt == "map") != bool(keys):
                raise SchemaError("%s: list=map needs its keys (list=map:name), others none" % loc)
            f.list_type, f.list_keys = lt, keys.split(",") if keys else []
        elif key == "map":
            if value not in ("atomic", "granular"):
                raise SchemaError("%s: map= must be atomic or granular" % loc)
            f.map_type = value
        elif key == "enum":
            f.enum = value.split("|")
        elif key == "default":
            f.default = value
    return f


def parse_file(path, packages):
    pkg, struct = None, None
    last_field = None
    with open(path, encoding="utf-8") as fh:
        lines = fh.read().split("\n")
    for n, raw in enumerate(lines, 1):
        loc = "%s:%d" % (os.path.relpath(path, ROOT), n)
        tokens = tokenize(raw, loc)
        if not tokens:
            continue
        indent = len(raw) - len(raw.lstrip())
        head = tokens[0]
        if indent == 0:
            last_field = None
            if head == ("word", "package"):
                if len(tokens) < 2:
                    raise SchemaError("%s: package needs a name" % loc)
                name = tokens[1][1]
                attrs = dict(w[1].partition("=")[::2] for w in tokens[2:])
                pkg = packages.get(name)
                if pkg is None:
                    pkg = packages[name] = Package(name, loc)
                for k, v in attrs.items():
                    if k == "apiVersion":
                        pkg.api_version = v
                    elif k == "openapi":
                        pkg.openapi = v
                    else:
                        raise SchemaError("%s: unknown package attribute %r" % (loc, k))
                if not pkg.api_version or not pkg.openapi:
                    raise SchemaError("%s: package needs apiVersion= and openapi=" % loc)
                pkg.files.append(os.path.relpath(path, ROOT))
                struct = None
            elif head[1] in ("type", "kind"):
                if pkg is None:
                    raise SchemaError("%s: %s before package" % (loc, head[1]))
                if len(tokens) < 2 or not re.fullmatch(r"[A-Z][A-Za-z0-9]*", tokens[1][1]):
                    raise SchemaError("%s: %s needs a name" % (loc, head[1]))
                name = tokens[1][1]
                if name in pkg.structs:
                    raise SchemaError("%s: %s is defined twice (first at %s)"
                                      % (loc, name, pkg.structs[name].loc))
                struct = pkg.structs[name] = Struct(pkg, name, loc)
                struct.is_kind = head[1] == "kind"
                for _, w in tokens[2:]:
                    k, eq, v = w.partition("=")
                    if w == "atomic":
                        struct.atomic = True
                    elif struct.is_kind and w in ("namespaced", "cluster", "nolist"):
                        struct.attrs[w] = True
                    elif struct.is_kind and eq and k in ("resource", "short", "categories",
                                                          "apiVersion"):
                        struct.attrs[k] = v
                    else:
                        raise SchemaError("%s: unknown attribute %r" % (loc, w))
                if struct.is_kind and "resource" in struct.attrs and not (
                        struct.attrs.get("namespaced") or struct.attrs.get("cluster")):
                    raise SchemaError("%s: a kind with a resource is namespaced or cluster" % loc)
            else:
                raise SchemaError("%s: expected package, type or kind" % loc)
            continue
        if struct is None:
            raise SchemaError("%s: indented line outside a type" % loc)
        if head[0] == "str":
            if any(t[0] != "str" for t in tokens):
                raise SchemaError("%s: a description line holds only strings" % loc)
            text = " ".join(t[1] for t in tokens)
            if last_field is not None and indent > last_field[1]:
                last_field[0].description = (last_field[0].description + " " + text).strip()
            elif not struct.fields and last_field is None:
                struct.description = (struct.description + " " + text).strip()
            else:
                raise SchemaError("%s: a description continues a field only when indented deeper" % loc)
            continue
        f = parse_field(tokens, loc)
        if any(g.name == f.name for g in struct.fields):
            raise SchemaError("%s: field %s is defined twice" % (loc, f.name))
        if f.number and any(g.number == f.number for g in struct.fields):
            raise SchemaError("%s: field number %d is used twice" % (loc, f.number))
        struct.fields.append(f)
        last_field = (f, indent)


def add_kind_fields(packages):
    """TypeMeta's two fields in front of every kind, and the NAMEList kinds."""
    meta = "meta/v1"
    for pkg in packages.values():
        for s in list(pkg.structs.values()):
            if not s.is_kind or s.list_of is not None:
                continue
            type_meta = []
            for name, desc in (("apiVersion", "The versioned schema of this object, "
                                "group/version (`v1`, `apps/v1`)."),
                               ("kind", "The kind of this object (`Pod`, `Deployment`).")):
                f = Field(0, name, Type("scalar", name="string"), s.loc)
                f.description = desc
                type_meta.append(f)
            s.fields[0:0] = type_meta
            if s.attrs.get("nolist"):
                continue
            lname = s.name + "List"
            if lname in pkg.structs:
                raise SchemaError("%s: %s is generated from kind %s" % (pkg.structs[lname].loc,
                                                                      lname, s.name))
            ls = pkg.structs[lname] = Struct(pkg, lname, s.loc)
            ls.is_kind, ls.list_of = True, s
            ls.attrs = {"apiVersion": s.api_version()} if "apiVersion" in s.attrs else {}
            ls.description = "A list of %s objects." % s.name
            m = Field(1, "metadata", Type("struct", name="ListMeta", package=meta), s.loc)
            m.description = "The list's resourceVersion and continue token."
            items = Field(2, "items", Type("list", elem=Type("struct", name=s.name)), s.loc)
            items.keep, items.required = True, True
            items.description = "The %s objects." % s.name
            for name, desc in (("apiVersion", "The versioned schema of this list."),
                               ("kind", "The kind of this list (`%s`)." % lname)):
                f = Field(0, name, Type("scalar", name="string"), s.loc)
                f.description = desc
                ls.fields.append(f)
            ls.fields += [m, items]


def resolve(packages):
    def walk(t, pkg, loc):
        if t.kind == "struct":
            target = packages.get(t.package or pkg.name)
            if target is None or t.name not in target.structs:
                raise SchemaError("%s: unknown type %s" % (loc, t))
            t.struct = target.structs[t.name]
        elif t.elem is not None:
            walk(t.elem, pkg, loc)

    for pkg in packages.values():
        for s in pkg.structs.values():
            for f in s.fields:
                walk(f.type, pkg, f.loc)
    for pkg in packages.values():
        for s in pkg.structs.values():
            for f in s.fields:
                check_field(f)


def check_field(f):
    t = f.type
    if f.inline and (t.kind != "struct" or f.keep or f.default is not None):
        raise SchemaError("%s: inline applies to a plain struct field" % f.loc)
    if f.default is not None:
        base = t.elem if t.kind == "optional" else t
        if base.kind != "scalar" or base.name not in DEFAULTABLE:
            raise SchemaError("%s: default= applies to scalars and *scalars only" % f.loc)
    if f.list_type and t.kind != "list":
        raise SchemaError("%s: list= on a field that is not a list" % f.loc)
    if f.map_type and not (t.kind == "map" or t.kind == "struct"
                           or (t.kind == "optional" and t.elem.kind == "struct")):
        raise SchemaError("%s: map= on a field that is not a map or struct" % f.loc)
    if f.patch_key:
        if t.kind != "list" or t.elem.kind != "struct":
            raise SchemaError("%s: a patch merge key needs a list of structs" % f.loc)
        if not has_field(t.elem.struct, f.patch_key):
            raise SchemaError("%s: merge key %s is not a field of %s"
                              % (f.loc, f.patch_key, t.elem.struct.name))
    for k in f.list_keys:
        if t.elem.kind != "struct" or not has_field(t.elem.struct, k):
            raise SchemaError("%s: list-map key %s is not a field of the item" % (f.loc, k))


def has_field(struct, name):
    """Whether struct has a JSON field `name`, its inlined structs' fields included."""
    return any((g.inline and has_field(g.type.struct, name)) or (not g.inline and g.name == name)
               for g in struct.fields)


def default_json(f):
    """The default as a JSON text: a bare word is a string."""
    base = f.type.elem if f.type.kind == "optional" else f.type
    v = f.default
    if base.name in ("string", "quantity"):
        return json.dumps(v)
    if base.name == "intstr":
        return v if re.fullmatch(r"-?[0-9]+", v) else json.dumps(v)
    try:
        json.loads(v)
    except ValueError:
        raise SchemaError("%s: default %r is not a %s" % (f.loc, v, base.name))
    return v


# ---- C++ output ----------------------------------------------------------------------

def cpp_type(t, pkg):
    if t.kind == "scalar":
        return SCALARS[t.name]
    if t.kind == "list":
        return "std::vector<%s>" % cpp_type(t.elem, pkg)
    if t.kind == "map":
        return "std::map<std::string, %s>" % cpp_type(t.elem, pkg)
    if t.kind == "optional":
        return "std::optional<%s>" % cpp_type(t.elem, pkg)
    s = t.struct
    if pkg is None:
        return "%s::%s" % (s.package.ident, s.name)
    return s.name if s.package is pkg else "::kubepp::api::%s::%s" % (s.package.ident, s.name)


def struct_deps(t):
    if t.kind == "struct":
        yield t.struct
    elif t.elem is not None:
        yield from struct_deps(t.elem)


def ordered(pkg):
    """The package's structs, each after the structs it holds (C++ needs complete types)."""
    done, out = set(), []

    def visit(s, stack):
        if s.name in done:
            return
        if s.name in stack:
            raise SchemaError("%s: %s contains itself" % (s.loc, s.name))
        for f in s.fields:
            for d in struct_deps(f.type):
                if d.package is pkg:
                    visit(d, stack | {s.name})
        done.add(s.name)
        out.append(s)

    for s in pkg.structs.values():
        visit(s, set())
    return out


def doc(text, indent):
    """A /// comment, wrapped at 96 columns; backslashes and angle brackets are quoted for
    Doxygen."""
    text = text.replace("\\", "\\\\").replace("<", "&lt;").replace(">", "&gt;")
    words, lines, cur = text.split(), [], ""
    width = 96 - indent - 4
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = (cur + " " + w).strip()
    if cur:
        lines.append(cur)
    return "".join(" " * indent + "/// " + l + "\n" for l in lines)


def cstr(s):
    return json.dumps(s, ensure_ascii=False)


def header(pkg, packages):
    deps = sorted({d.package.ident for s in pkg.structs.values() for f in s.fields
                   for d in struct_deps(f.type) if d.package is not pkg})
    files = ", ".join(pkg.files)
    out = ["// %s.h — the %s API types. Generated by cluster/api/schema/gen.py from\n"
           "// %s: do not edit; edit the schema and run the generator.\n" % (pkg.ident, pkg.name, files),
           "#pragma once\n\n",
           "#include <cstdint>\n#include <map>\n#include <optional>\n#include <string>\n#include <vector>\n\n",
           '#include "cluster/api/quantity.h"\n',
           '#include "cluster/api/schema/type.h"\n',
           '#include "cluster/api/values.h"\n']
    for d in deps:
        out.append('#include "cluster/api/types/%s.h"\n' % d)
    out.append("\n/// The %s API group version (`apiVersion: %s`).\n" % (pkg.name, pkg.api_version))
    out.append("namespace kubepp::api::%s {\n" % pkg.ident)
    for s in ordered(pkg):
        out.append("\n")
        if s.description:
            out.append(doc(s.description, 0))
        bases = [cpp_type(f.type, pkg) for f in s.fields if f.inline]
        out.append("struct %s%s {\n" % (s.name, " : " + ", ".join(bases) if bases else ""))
        for f in s.fields:
            if f.inline:
                continue
            if f.description:
                out.append(doc(f.description, 2))
            out.append("  %s %s%s;\n" % (cpp_type(f.type, pkg), f.member, init(f.type)))
        out.append("\n  bool operator==(const %s&) const = default;\n};\n" % s.name)
    out.append("\n}  // namespace kubepp::api::%s\n\n" % pkg.ident)
    out.append("namespace kubepp::api::schema {\n")
    for s in ordered(pkg):
        out.append("template <> const Type& type_of<%s::%s>();\n" % (pkg.ident, s.name))
    out.append("/// The kinds of %s, for the registry.\n" % pkg.name)
    out.append("std::span<const KindInfo> %s_kinds();\n" % pkg.ident)
    out.append("}  // namespace kubepp::api::schema\n")
    return "".join(out)


def init(t):
    if t.kind == "scalar" and t.name in ("bool",):
        return " = false"
    if t.kind == "scalar" and t.name in ("int32", "int64", "double"):
        return " = 0"
    return ""


def source(pkg):
    out = ["// %s.cpp — the field tables of the %s API types. Generated by\n"
           "// cluster/api/schema/gen.py: do not edit.\n" % (pkg.ident, pkg.name),
           '#include "cluster/api/types/%s.h"\n\n' % pkg.ident,
           '#include "cluster/api/schema/table.h"\n\n',
           "namespace kubepp::api::schema {\n"]
    for s in ordered(pkg):
        q = "%s::%s" % (pkg.ident, s.name)
        out.append("\ntemplate <>\nconst Type& type_of<%s>() {\n" % q)
        if s.fields:
            out.append("  static const Field fields[] = {\n")
        for f in s.fields:
            if f.inline:
                parts = ["inline_field<%s, %s>(%s, %d)" % (q, cpp_type(f.type, None), cstr(f.name),
                                                         f.number)]
            else:
                parts = ["field<&%s::%s>(%s, %d)" % (q, f.member, cstr(f.name), f.number)]
            if f.keep:
                parts.append(".keep()")
            if f.required:
                parts.append(".required()")
            if f.patch_strategy:
                parts.append(".patch(%s, %s)" % (cstr(f.patch_strategy), cstr(f.patch_key)))
            if f.list_type:
                parts.append(".list(%s, %s)" % (cstr(f.list_type), cstr(",".join(f.list_keys))))
            if f.map_type:
                parts.append(".map(%s)" % cstr(f.map_type))
            if f.enum:
                parts.append(".enums(%s)" % cstr("|".join(f.enum)))
            if f.default is not None:
                parts.append(".default_json(%s)" % cstr(default_json(f)))
            if f.description:
                parts.append(".doc(%s)" % cstr(f.description))
            out.append("      " + "".join(parts) + ",\n")
        if s.fields:
            out.append("  };\n")
        out.append("  static const Type type = struct_type<%s>(%s, %s, %s, %s);\n"
                   % (q, cstr(s.openapi), cstr(s.description),
                      "fields" if s.fields else "{}", "true" if s.atomic else "false"))
        out.append("  return type;\n}\n")
    kinds = [s for s in pkg.structs.values() if s.is_kind]
    out.append("\nstd::span<const KindInfo> %s_kinds() {\n" % pkg.ident)
    out.append("  static const KindInfo kinds[] = {\n")
    for s in kinds:
        a = s.attrs if s.list_of is None else {}
        out.append("      {%s, %s, %s, %s, %s, %s, %s, &type_of<%s>()},\n" % (
            cstr(s.api_version()), cstr(s.name), cstr(a.get("resource", "")),
            "true" if a.get("namespaced") else "false",
            cstr(a.get("short", "")), cstr(a.get("categories", "")),
            cstr(s.list_of.name if s.list_of else ""), "%s::%s" % (pkg.ident, s.name)))
    out.append("  };\n  return kinds;\n}\n\n}  // namespace kubepp::api::schema\n")
    return "".join(out)


def load(paths):
    packages = {}
    for p in paths:
        parse_file(p, packages)
    add_kind_fields(packages)
    resolve(packages)
    return packages


def main(argv):
    if len(argv) > 1 and argv[1] == "--parse":
        try:
            paths = argv[2:]
            meta = os.path.join(HERE, "meta_v1.schema")
            if meta not in [os.path.abspath(p) for p in paths]:
                paths = [meta] + paths
            others = sorted(os.path.join(HERE, f) for f in os.listdir(HERE)
                            if f.endswith(".schema"))
            packages = load(sorted(set(os.path.abspath(p) for p in paths) | set(others)))
            for pkg in packages.values():
                ordered(pkg)
        except SchemaError as e:
            print(e, file=sys.stderr)
            return 1
        print("ok: %d packages, %d types" % (len(packages),
                                             sum(len(p.structs) for p in packages.values())))
        return 0
    check = "--check" in argv[1:]
    paths = sorted(os.path.join(HERE, f) for f in os.listdir(HERE) if f.endswith(".schema"))
    try:
        packages = load(paths)
        files = {}
        for pkg in packages.values():
            files[os.path.join(OUT, pkg.ident + ".h")] = header(pkg, packages)
            files[os.path.join(OUT, pkg.ident + ".cpp")] = source(pkg)
        files[os.path.join(OUT, "packages.inc")] = "".join(
            "KUBEPP_API_PACKAGE(%s)\n" % p.ident for p in sorted(packages.values(),
                                                                key=lambda p: p.ident))
    except SchemaError as e:
        print(e, file=sys.stderr)
        return 1
    stale = []
    for path, text in sorted(files.items()):
        old = open(path, encoding="utf-8").read() if os.path.exists(path) else None
        if old != text:
            stale.append(os.path.relpath(path, ROOT))
            if not check:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w", encoding="utf-8") as fh:
                    fh.write(text)
    existing = {os.path.join(OUT, f) for f in os.listdir(OUT)} if os.path.isdir(OUT) else set()
    for path in sorted(existing - set(files)):
        stale.append(os.path.relpath(path, ROOT) + " (no longer generated)")
        if not check:
            os.remove(path)
    if check and stale:
        print("stale generated files (run python3 cluster/api/schema/gen.py):", file=sys.stderr)
        for s in stale:
            print("  " + s, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
