/**
 * The tree's node types by name, as the compiler uses them (`ast.For`, `ast.Tuple`…). The parser
 * adapter (parse.ts) exports the package's union types; the rest are picked out of the unions by
 * their `nodeType`, so the shapes stay the parser's own.
 */
import type { ast as P } from './parse.js';

export type ASTNode = P.ASTNode;
export type Located = P.Located;
export type Module = P.Module;
export type StmtNode = P.StmtNode;
export type ExprNode = P.ExprNode;
export type Arguments = P.Arguments;
export type Arg = P.Arg;
export type Keyword = P.Keyword;
export type Comprehension = P.Comprehension;
export type ExceptHandler = P.ExceptHandler;
export type Constant = P.Constant;
export type Name = P.Name;
export type Call = P.Call;
export type Attribute = P.Attribute;
export type FunctionDef = P.FunctionDef;
export type ClassDef = P.ClassDef;
export type Assign = P.Assign;

type Stmt<K extends string> = Extract<P.StmtNode, { nodeType: K }>;
type Expr<K extends string> = Extract<P.ExprNode, { nodeType: K }>;

export type If = Stmt<'If'>;
export type For = Stmt<'For'>;
export type While = Stmt<'While'>;
export type Try = Stmt<'Try'>;
export type AugAssign = Stmt<'AugAssign'>;
export type Tuple = Expr<'Tuple'>;
export type List = Expr<'List'>;
export type Compare = Expr<'Compare'>;
export type ListComp = Expr<'ListComp'>;
export type SetComp = Expr<'SetComp'>;
export type DictComp = Expr<'DictComp'>;
export type GeneratorExp = Expr<'GeneratorExp'>;
export type JoinedStr = Expr<'JoinedStr'>;
export type Lambda = Expr<'Lambda'>;
