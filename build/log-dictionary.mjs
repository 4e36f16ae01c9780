// Log codes (dictionary logging, as Zephyr's dictionary logging and defmt do it): the minified
// bundles do not hold their log texts. tsc's emit is made a second time, into a folder of its
// own, with a transformer that turns every call it can prove is a call of the HAL's logger,
//     log.info('booted (' + status + ') in ' + ms + ' ms')
// into a call with the code of its text and the arguments its places take,
//     log.info(17, status, ms)
// and writes the texts into a dictionary (sim/log-dictionary.mjs: its format, and how a host
// formats a line from it). The HAL's logger turns the arguments into text as `+` does and hands
// the code to the host (HostABI.logCode), which writes the same line the text would have made.
// The readable bundles (dist/*.js), the tests and every build without an output file keep their
// texts (tsc's own emit).
//
// What is a call of the HAL's logger, proved with tsc's type checker:
// - a logger type is an interface or type literal whose members are all among debug, info,
//   warning and error, each `(text: string): void` (hal/index.ts's Logger, the OCPP core's, the
//   `{ info(text: string): void; … }` of a module's options);
// - every value that reaches a place of a logger type (an argument, a property of an object
//   literal, an initializer, an assignment, a return) in the program's own code is of a logger
//   type itself, or is the HAL's own logger (createHal's object literal): a logger type that
//   some other value reaches (a test's recording logger, an `any`) is not proved, and no call on
//   it is coded; the QuickJS tests' files (test/) are never in a flashed bundle and not looked at;
// - the call is `X.member(text)` with X of a proved logger type, and `text` is a string
//   literal, a template, or a `+` chain that is text from its first string on; the terms before
//   it (numbers added) are one argument.
// A call it cannot prove stays as it is: its text is in the bundle, and the line is the same.
// So do the calls of the simulator's own modules (src/sim/: never flashed; the simulator's
// bundles carry the flashed station's code with codes).
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import { dictionaryFile, dictionaryLine, dictionaryPath } from '../sim/log-dictionary.mjs';

const ts = createRequire(import.meta.url)('typescript');

const LOG_MEMBERS = new Set(['debug', 'info', 'warning', 'error']);
/** The dictionary of a coded emit, in its folder. */
const DICTIONARY = 'log-dictionary.logdict';
/** The constant of hal/index.ts the coded emit gives the dictionary's id. */
const ID_CONSTANT = 'LOG_DICTIONARY';

/** The folder of the coded emit beside tsc's own. */
export function codedDir(tscDir) {
  return tscDir + '-log-codes';
}

/** The dictionary text of the coded emit beside `tscDir`, or null when there is none. */
export function codedDictionary(tscDir) {
  const file = join(codedDir(tscDir), DICTIONARY);
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

/** Writes the dictionary of a bundle built from the coded emit beside its file. */
export function writeDictionaryBeside(bundleFile, text) {
  writeFileSync(dictionaryPath(bundleFile), text);
}

const isLogMember = (m) => {
  if (!m.name || !ts.isIdentifier(m.name) || !LOG_MEMBERS.has(m.name.text)) return false;
  const fn = ts.isMethodSignature(m) ? m : ts.isPropertySignature(m) && m.type && ts.isFunctionTypeNode(m.type) ? m.type : null;
  if (!fn || fn.parameters.length !== 1 || (fn.typeParameters && fn.typeParameters.length)) return false;
  const p = fn.parameters[0];
  return !!p.type && p.type.kind === ts.SyntaxKind.StringKeyword && !p.questionToken && !p.dotDotDotToken && !!fn.type && fn.type.kind === ts.SyntaxKind.VoidKeyword;
};

function walk(node, visit) {
  visit(node);
  ts.forEachChild(node, (c) => walk(c, visit));
}

const relPath = (root, sf) => relative(root, sf.fileName).split(sep).join('/');

/** `where` of a node, for the build's report: file:line. */
function where(root, node) {
  const sf = node.getSourceFile();
  return `${relative(root, sf.fileName).split(sep).join('/')}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
}

/**
 * The pieces and argument expressions of a log text, or null when it is not one the build can
 * code (no text of its own, or not a literal, a template or a `+` chain).
 */
function decompose(checker, node) {
  const unwrap = (n) => (ts.isParenthesizedExpression(n) ? unwrap(n.expression) : n);
  const top = unwrap(node);
  const isText = (n) => ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n);
  const pieces = [''];
  const args = [];
  const addText = (t) => (pieces[pieces.length - 1] += t);
  const addArg = (e) => {
    args.push(e);
    pieces.push('');
  };
  const addTerm = (t) => {
    const u = unwrap(t);
    if (isText(u)) addText(u.text);
    else if (ts.isTemplateExpression(u)) addTemplate(u);
    else addArg(t);
  };
  const addTemplate = (t) => {
    addText(t.head.text);
    for (const span of t.templateSpans) {
      addArg(span.expression);
      addText(span.literal.text);
    }
  };
  if (isText(top)) addText(top.text);
  else if (ts.isTemplateExpression(top)) addTemplate(top);
  else if (ts.isBinaryExpression(top) && top.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    // The left spine of a + chain: (((t0 + t1) + t2) + ...); spine[i] is t0 + ... + ti.
    const spine = [];
    let n = top;
    while (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      spine.unshift(n);
      n = unwrap(n.left);
    }
    const terms = [n, ...spine.map((b) => b.right)];
    const stringly = (t) => {
      const u = unwrap(t);
      return isText(u) || ts.isTemplateExpression(u) || (checker.getTypeAtLocation(u).flags & ts.TypeFlags.StringLike) !== 0;
    };
    const k = terms.findIndex(stringly);
    if (k < 0) return null;
    // The terms before the first string are added as they were (numbers): one argument.
    if (k > 0) addArg(k === 1 ? terms[0] : spine[k - 2]);
    for (const t of terms.slice(k)) addTerm(t);
  } else return null;
  if (!pieces.join('')) return null;
  return { pieces, args };
}

/**
 * tsc: type-checks the project (tsconfig.json, and `extraFiles` outside its folders, with the
 * same options) and emits it twice: as tsc does into `tscDir`, and with the HAL logger's calls
 * coded into codedDir(tscDir), the dictionary beside it (log-dictionary.logdict). Throws with
 * tsc's diagnostics when the project does not compile. Returns { id, texts, coded, left: [{ at, why }] }.
 */
export function compileProject(root, tscDir, extraFiles = []) {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), { outDir: tscDir }, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  const rootNames = [...parsed.fileNames, ...extraFiles.map((f) => join(root, f)).filter((f) => !parsed.fileNames.includes(f))];
  const program = ts.createProgram({ rootNames, options: parsed.options });
  const diagnostics = ts.getPreEmitDiagnostics(program);
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' };
  if (diagnostics.length) {
    process.stderr.write(ts.formatDiagnosticsWithColorAndContext(diagnostics, host));
    throw new Error('tsc failed');
  }
  const plain = program.emit();
  if (plain.emitSkipped) throw new Error('tsc failed: ' + plain.diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('; '));
  return emitWithLogCodes(root, program, codedDir(tscDir));
}

/** The program's emit into `outDir` with the HAL logger's calls coded, and its dictionary. */
function emitWithLogCodes(root, program, outDir) {
  const checker = program.getTypeChecker();
  const own = program
    .getSourceFiles()
    .filter((f) => !f.isDeclarationFile && !/[\\/]node_modules[\\/]/.test(f.fileName))
    .sort((a, b) => (a.fileName < b.fileName ? -1 : 1));
  const flashed = own.filter((f) => !relative(root, f.fileName).split(sep).join('/').startsWith('test/'));

  // The logger types, and the HAL's own logger (createHal's `const log: Logger = { … }`).
  const loggers = new Set();
  let halLogger = null;
  for (const sf of own) {
    walk(sf, (n) => {
      if ((ts.isInterfaceDeclaration(n) || ts.isTypeLiteralNode(n)) && n.members.length && n.members.every(isLogMember)) loggers.add(n);
    });
  }
  const hal = own.find((f) => relative(root, f.fileName).split(sep).join('/') === 'hal/index.ts');
  if (hal) {
    walk(hal, (n) => {
      if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === 'log' && n.initializer && ts.isObjectLiteralExpression(n.initializer)) {
        for (let f = n.parent; f; f = f.parent) if (ts.isFunctionDeclaration(f) && f.name && f.name.text === 'createHal') halLogger = n.initializer;
      }
    });
  }
  const declOf = (type) => (type && type.symbol && type.symbol.declarations ? type.symbol.declarations.find((d) => loggers.has(d)) : undefined);
  const parts = (type) => (type.isUnion() ? type.types : [type]);
  const nullish = (t) => (t.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined | ts.TypeFlags.Void)) !== 0;
  const isLoggerValue = (type) => parts(type).every((t) => nullish(t) || declOf(t));

  // Every value that reaches a place of a logger type must be of one (or the HAL's logger).
  const unproved = new Map(); // logger declaration -> where another value reaches it
  const check = (n, placeType, value) => {
    const reached = placeType ? parts(placeType).map(declOf).filter(Boolean) : [];
    if (!reached.length || value === halLogger || isLoggerValue(checker.getTypeAtLocation(value))) return;
    for (const d of reached) if (!unproved.has(d)) unproved.set(d, where(root, n));
  };
  for (const sf of flashed) {
    walk(sf, (n) => {
      const p = n.parent;
      if (ts.isAsExpression(n) || ts.isTypeAssertionExpression(n)) check(n, checker.getTypeAtLocation(n), n.expression);
      else if (ts.isShorthandPropertyAssignment(n)) {
        const contextual = checker.getContextualType(p);
        const prop = contextual && contextual.getProperty(n.name.text);
        if (prop) check(n, checker.getTypeOfSymbolAtLocation(prop, n), n.name);
      } else if (
        p &&
        ts.isExpression(n) &&
        ((ts.isPropertyAssignment(p) && p.initializer === n) ||
          ((ts.isCallExpression(p) || ts.isNewExpression(p)) && p.arguments && p.arguments.includes(n)) ||
          ((ts.isVariableDeclaration(p) || ts.isPropertyDeclaration(p) || ts.isParameter(p)) && p.initializer === n) ||
          (ts.isBinaryExpression(p) && p.right === n && p.operatorToken.kind === ts.SyntaxKind.EqualsToken) ||
          ts.isReturnStatement(p) ||
          (ts.isArrowFunction(p) && p.body === n) ||
          ts.isArrayLiteralExpression(p) ||
          ts.isSpreadElement(p) ||
          ts.isSpreadAssignment(p))
      ) {
        check(n, checker.getContextualType(n), n);
      }
    });
  }

  // Modules that keep their texts: the simulator's own (src/sim/, never flashed).
  const keepTexts = new Set(own.filter((f) => relPath(root, f).startsWith('src/sim/')));

  // The calls: X.member(text) with X of a proved logger type.
  const lines = new Map(); // dictionary line -> code
  const calls = new Map(); // CallExpression -> { code, args }
  const left = [];
  for (const sf of own) {
    walk(sf, (n) => {
      if (!ts.isCallExpression(n) || !ts.isPropertyAccessExpression(n.expression) || n.expression.questionDotToken || !LOG_MEMBERS.has(n.expression.name.text)) return;
      const receiver = checker.getTypeAtLocation(n.expression.expression);
      const decl = parts(receiver).length === 1 ? declOf(receiver) : undefined;
      if (!decl) return; // not a logger's call
      const inBundle = flashed.includes(sf);
      if (keepTexts.has(sf)) return;
      if (unproved.has(decl)) {
        if (inBundle) left.push({ at: where(root, n), why: `its logger type is reached by another value at ${unproved.get(decl)}` });
        return;
      }
      const text = n.arguments.length === 1 ? decompose(checker, n.arguments[0]) : null;
      if (!text) {
        if (inBundle) left.push({ at: where(root, n), why: 'its text is not a literal, a template or a + chain with text' });
        return;
      }
      const line = dictionaryLine(text.pieces);
      if (!lines.has(line)) lines.set(line, lines.size + 1);
      calls.set(n, { code: lines.get(line), args: text.args });
    });
  }
  const dictionary = dictionaryFile([...lines.keys()]);

  const transformer = (context) => {
    const f = context.factory;
    const visit = (node) => {
      const call = calls.get(node);
      if (call) {
        return f.updateCallExpression(node, ts.visitNode(node.expression, visit), node.typeArguments, [f.createNumericLiteral(call.code), ...call.args.map((a) => ts.visitNode(a, visit))]);
      }
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === ID_CONSTANT && node.getSourceFile() === hal) {
        return f.updateVariableDeclaration(node, node.name, node.exclamationToken, node.type, f.createStringLiteral(dictionary.id));
      }
      return ts.visitEachChild(node, visit, context);
    };
    return (sf) => ts.visitNode(sf, visit);
  };
  const writeFile = (file, text, bom) => ts.sys.writeFile(join(outDir, relative(program.getCompilerOptions().outDir, file)), text, bom);
  const emitted = program.emit(undefined, writeFile, undefined, false, { before: [transformer] });
  const problems = emitted.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (problems.length || emitted.emitSkipped) {
    throw new Error('the emit with log codes failed: ' + problems.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('; '));
  }
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, DICTIONARY), dictionary.text);
  return { id: dictionary.id, texts: lines.size, coded: calls.size, left };
}
