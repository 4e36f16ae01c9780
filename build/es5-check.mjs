// Proves a bundle is plain ES5 and free of dynamic code evaluation.
// acorn at ecmaVersion 5 refuses any later syntax (let/const, arrows, classes, template
// literals, ...); a walk over the tree then refuses eval(...), new Function(...) and
// Function(...), which the module firmware must never rely on.
import * as acorn from 'acorn';

export class ES5CheckError extends Error {}

function walk(node, visit) {
  if (!node || typeof node.type !== 'string') return;
  visit(node);
  for (const key in node) {
    if (key === 'loc' || key === 'start' || key === 'end') continue;
    const child = node[key];
    if (Array.isArray(child)) for (const c of child) walk(c, visit);
    else if (child && typeof child.type === 'string') walk(child, visit);
  }
}

function lineOf(code, pos) {
  return code.slice(0, pos).split('\n').length;
}

/** Throws ES5CheckError when `code` is not ES5 or evaluates code dynamically. */
export function checkES5(code, name = '<code>') {
  let ast;
  try {
    ast = acorn.parse(code, { ecmaVersion: 5, sourceType: 'script' });
  } catch (err) {
    const near = code.slice(Math.max(0, err.pos - 40), err.pos + 40).replace(/\s+/g, ' ');
    throw new ES5CheckError(`${name} is not ES5: ${err.message} near "${near}"`);
  }
  walk(ast, (node) => {
    if (node.type !== 'CallExpression' && node.type !== 'NewExpression') return;
    const callee = node.callee;
    if (callee.type === 'Identifier' && (callee.name === 'eval' || callee.name === 'Function')) {
      throw new ES5CheckError(`${name} uses ${callee.name}(...) at line ${lineOf(code, node.start)}: dynamic code is not allowed`);
    }
  });
  return ast;
}
