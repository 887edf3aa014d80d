/**
 * A static pickle analyzer: disassembles pickle protocols 0 to 5 without executing anything and
 * reports the globals a load would import and call. Decisions come from an allow-list of what
 * ordinary model checkpoints need (tensor and array rebuilding, collections); anything else is
 * flagged, and known-dangerous callables (code execution, processes, files, network, import
 * machinery, reflection gadgets) are critical.
 *
 * Obfuscation is resolved rather than trusted: STACK_GLOBAL takes its module and name from the
 * simulated stack (literals, memo entries and DUPs), so names hidden behind memo tricks are still
 * known; a STACK_GLOBAL whose operands cannot be resolved is itself flagged. String and bytes
 * literals that are pickles themselves are analysed recursively (nested pickles), as are
 * several pickles in one file.
 */

export type GlobalRisk = 'safe' | 'unknown' | 'dangerous';

export interface PickleGlobal {
  module: string;
  name: string;
  risk: GlobalRisk;
  offset: number;
  via: string;
}

export interface PickleReport {
  globals: PickleGlobal[];
  /** Problems of the stream itself: truncation, unknown opcodes, unresolvable globals. */
  issues: { offset: number; message: string; severe: boolean }[];
  /** Bytes consumed (the end of the last complete pickle). */
  end: number;
  pickles: number;
  protocol: number;
}

const SAFE_GLOBALS = new Set([
  'collections.OrderedDict',
  'collections.defaultdict',
  'collections.Counter',
  'collections.deque',
  'builtins.set',
  'builtins.frozenset',
  'builtins.dict',
  'builtins.list',
  'builtins.tuple',
  'builtins.bytearray',
  'builtins.bytes',
  'builtins.complex',
  'builtins.slice',
  'builtins.range',
  'builtins.object',
  'builtins.int',
  'builtins.float',
  'builtins.str',
  'builtins.bool',
  '__builtin__.set',
  '__builtin__.frozenset',
  '__builtin__.dict',
  '__builtin__.list',
  '__builtin__.tuple',
  '__builtin__.bytearray',
  '__builtin__.complex',
  '__builtin__.slice',
  '__builtin__.object',
  '__builtin__.int',
  '__builtin__.float',
  '__builtin__.unicode',
  '__builtin__.long',
  'copyreg._reconstructor',
  'copy_reg._reconstructor',
  '_codecs.encode',
  'datetime.datetime',
  'datetime.date',
  'datetime.timedelta',
  'decimal.Decimal',
  'fractions.Fraction',
  'uuid.UUID',
  'numpy.core.multiarray._reconstruct',
  'numpy._core.multiarray._reconstruct',
  'numpy.ndarray',
  'numpy.dtype',
  'numpy.core.multiarray.scalar',
  'numpy._core.multiarray.scalar',
  'numpy.core.numeric._frombuffer',
  'numpy._core.numeric._frombuffer',
  'numpy.random._pickle.__randomstate_ctor',
  'numpy.random._pickle.__bit_generator_ctor',
  'numpy.random._pickle.__generator_ctor',
  'torch._utils._rebuild_tensor',
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_tensor_v3',
  'torch._utils._rebuild_parameter',
  'torch._utils._rebuild_parameter_with_state',
  'torch._utils._rebuild_qtensor',
  'torch._utils._rebuild_sparse_tensor',
  'torch._utils._rebuild_nested_tensor',
  'torch._utils._rebuild_device_tensor_from_numpy',
  'torch._utils._rebuild_meta_tensor_no_storage',
  'torch._utils._rebuild_wrapper_subclass',
  'torch._tensor._rebuild_from_type_v2',
  'torch.nn.parameter.Parameter',
  'torch.Size',
  'torch.device',
  'torch.serialization._get_layout',
  'torch.UntypedStorage',
  'torch.TypedStorage',
  'torch.storage.UntypedStorage',
  'torch.storage.TypedStorage',
  'torch._C._nn.gelu',
  'torch.float32',
  'torch.float16',
  'torch.bfloat16',
  'torch.float64',
  'torch.int64',
  'torch.int32',
  'torch.int8',
  'torch.uint8',
  'torch.bool',
  'torch.per_tensor_affine',
  'torch.per_channel_affine',
  'torch.contiguous_format',
  'torch.channels_last',
  'torch.preserve_format',
  'torch.strided',
  'torch.sparse_coo',
]);
const SAFE_PREFIX =
  /^torch\.(?:\w+Storage|cuda\.\w+Storage)$|^torch\.(?:float|int|uint|bfloat|complex|bool|qint|quint)\w*$/;

/** Callables that run code, start processes, touch files or the network, or reach any of those. */
const DANGEROUS = [
  /^(?:os|posix|nt|posixpath|ntpath|subprocess|pty|shutil|sys|ctypes|ctypes\..+|_ctypes|code|codeop|pdb|bdb|pydoc|timeit|commands|popen2|runpy|importlib(?:\..+)?|pkgutil|imp|zipimport|marshal|pickle|_pickle|cPickle|dill(?:\..+)?|cloudpickle(?:\..+)?|shelve|webbrowser|socket|_socket|ssl|select|selectors|asyncio(?:\..+)?|multiprocessing(?:\..+)?|concurrent\..+|threading|_thread|signal|resource|requests(?:\..+)?|urllib(?:\..+)?|urllib2|http(?:\..+)?|httplib|aiohttp(?:\..+)?|httpx(?:\..+)?|smtplib|ftplib|telnetlib|poplib|imaplib|nntplib|xmlrpc(?:\..+)?|paramiko(?:\..+)?|tempfile|glob|io|_io|pathlib|fileinput|linecache|tarfile|zipfile|gzip|bz2|lzma|sqlite3|dbm|types|inspect|gc|builtins\.__import__|idlelib(?:\..+)?|lib2to3(?:\..+)?|distutils(?:\..+)?|setuptools(?:\..+)?|pip(?:\..+)?|venv|ensurepip|site|sysconfig|platform|uuid\._popen|ssl|cProfile|profile|trace|tracemalloc|faulthandler|atexit|operator|functools|itertools|copyreg|copy_reg)$/,
];
const DANGEROUS_QUALIFIED =
  /^(?:builtins|__builtin__)\.(?:eval|exec|execfile|compile|open|__import__|getattr|setattr|delattr|globals|locals|vars|input|raw_input|breakpoint|memoryview|help|exit|quit|reload|file|apply|type|super|staticmethod|classmethod|property)$|^numpy\.(?:testing|f2py|distutils)\.|^torch\.utils\.(?:bottleneck|collect_env|_config_module|cpp_extension|benchmark|hipify|tensorboard)\b|^numpy\.(?:load|fromfile|save|savetxt|loadtxt|genfromtxt|memmap)$|^numpy\.lib\.npyio\.|^torch\.(?:load|save|jit\..+|hub\..+|_inductor\..+|_dynamo\..+|utils\.cpp_extension\..+|serialization\.load|storage\._load_from_bytes|_C\._jit\w*|ops\..+|classes\..+|package\..+|compile|_export\..+|fx\..+)$|^torch\.jit$|^torch\.utils\.data\..+|^pandas\.(?:read_\w+|io\..+)|^sklearn\.utils\._joblib\.|^joblib\.(?:load|dump)|^keras\.|^tensorflow\.|^transformers\.(?:.*\.)?(?:from_pretrained|pipeline)/;

export function classifyGlobal(module: string, name: string): GlobalRisk {
  const full = `${module}.${name}`;
  if (SAFE_GLOBALS.has(full) || SAFE_PREFIX.test(full)) return 'safe';
  if (DANGEROUS_QUALIFIED.test(full) || DANGEROUS.some((r) => r.test(module))) return 'dangerous';
  // Dunder names reach into an object's internals (gadget chains), whatever the module.
  if (/^__\w+__$/.test(name) && name !== '__randomstate_ctor') return 'dangerous';
  return 'unknown';
}

type Val = { t: 'str'; v: string } | { t: 'global'; g: PickleGlobal } | { t: 'mark' } | { t: 'other' };

const OTHER: Val = { t: 'other' };
const MAX_DEPTH = 8;
const MAX_OPS = 5_000_000;

class Reader {
  constructor(
    readonly b: Uint8Array,
    public i: number,
  ) {}
  need(n: number) {
    if (this.i + n > this.b.length) throw new Error(`truncated at byte ${this.i} (needs ${n} more)`);
  }
  u8() {
    this.need(1);
    return this.b[this.i++];
  }
  u16() {
    this.need(2);
    const v = this.b[this.i] | (this.b[this.i + 1] << 8);
    this.i += 2;
    return v;
  }
  u32() {
    this.need(4);
    const v =
      (this.b[this.i] | (this.b[this.i + 1] << 8) | (this.b[this.i + 2] << 16)) + this.b[this.i + 3] * 0x1000000;
    this.i += 4;
    return v;
  }
  i32() {
    const v = this.u32();
    return v > 0x7fffffff ? v - 0x100000000 : v;
  }
  u64() {
    const lo = this.u32(),
      hi = this.u32();
    if (hi > 0x1fffff) throw new Error(`length too large at byte ${this.i - 8}`);
    return hi * 0x100000000 + lo;
  }
  bytes(n: number) {
    this.need(n);
    const s = this.b.subarray(this.i, this.i + n);
    this.i += n;
    return s;
  }
  line() {
    const end = this.b.indexOf(10, this.i);
    if (end < 0) throw new Error(`unterminated line at byte ${this.i}`);
    const s = Buffer.from(this.b.subarray(this.i, end)).toString('latin1');
    this.i = end + 1;
    return s;
  }
}

const latin1 = (u: Uint8Array) => Buffer.from(u).toString('latin1');
const utf8 = (u: Uint8Array) => Buffer.from(u).toString('utf8');

/** Opcodes a pickle stream can start with (protocol 0 and 1 streams have no PROTO header). */
const FIRST_OPS = new Set([...'(cSVIJKLMNFGTUXBC)]}lditgph'].map((c) => c.charCodeAt(0)));

/** Does this look like the start of a pickle (for nested pickles and sequential pickles)? */
export function looksLikePickle(b: Uint8Array, i = 0): boolean {
  if (i + 1 >= b.length) return false;
  if (b[i] === 0x80) return b[i + 1] <= 5;
  return FIRST_OPS.has(b[i]);
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * Disassembles one or more consecutive pickles starting at `start`. With `sequential`, parsing
 * continues after each STOP while the next bytes still look like a pickle (PyTorch's legacy
 * format stores several pickles, then raw tensor data).
 */
export function analyzePickle(
  data: Uint8Array,
  start = 0,
  opts: { sequential?: boolean; depth?: number; via?: string } = {},
): PickleReport {
  const report: PickleReport = { globals: [], issues: [], end: start, pickles: 0, protocol: 0 };
  const depth = opts.depth ?? 0;
  const via = opts.via ?? 'pickle';
  let pos = start;
  for (;;) {
    const r = new Reader(data, pos);
    try {
      one(r, report, depth, via);
      report.pickles++;
      report.end = r.i;
      pos = r.i;
    } catch (e) {
      report.issues.push({ offset: r.i, message: (e as Error).message, severe: report.pickles === 0 });
      break;
    }
    if (!opts.sequential || !looksLikePickle(data, pos)) break;
  }
  return report;
}

function one(r: Reader, report: PickleReport, depth: number, via: string) {
  const stack: Val[] = [];
  const memo = new Map<number, Val>();
  let ops = 0;
  const pop = (): Val => stack.pop() ?? OTHER;
  const popMark = () => {
    for (let k = stack.length - 1; k >= 0; k--)
      if (stack[k].t === 'mark') {
        stack.length = k;
        return;
      }
    stack.length = 0;
  };
  const top = (): Val => stack[stack.length - 1] ?? OTHER;
  const addGlobal = (module: string, name: string, offset: number, how: string) => {
    const g: PickleGlobal = { module, name, risk: classifyGlobal(module, name), offset, via: `${via}: ${how}` };
    // Python cannot import a name that is not an identifier: such bytes are not a working pickle.
    if (module !== '?' && name !== '?' && (!IDENT.test(module) || !IDENT.test(name)) && how !== 'EXT')
      throw new Error(`not a valid global name at byte ${offset}`);
    report.globals.push(g);
    return g;
  };
  const literal = (s: string, raw: Uint8Array | undefined, offset: number) => {
    // A literal that is itself a pickle (pickle.loads(b"...") gadgets, torch _load_from_bytes).
    if (raw && raw.length > 8 && looksLikePickle(raw) && depth < MAX_DEPTH) {
      const inner = analyzePickle(raw, 0, { depth: depth + 1, via: `${via} > nested pickle at byte ${offset}` });
      if (inner.pickles > 0) {
        report.globals.push(...inner.globals);
        report.issues.push(...inner.issues.filter((x) => !x.severe));
      }
    }
    stack.push({ t: 'str', v: s });
  };
  for (;;) {
    if (++ops > MAX_OPS) throw new Error(`more than ${MAX_OPS} opcodes: not analysed further`);
    const at = r.i;
    const op = r.u8();
    switch (op) {
      case 0x80:
        report.protocol = Math.max(report.protocol, r.u8());
        break; // PROTO
      case 0x95:
        r.u64();
        break; // FRAME
      case 0x2e:
        return; // STOP
      case 0x28:
        stack.push({ t: 'mark' });
        break; // MARK
      case 0x30:
        pop();
        break; // POP
      case 0x31:
        popMark();
        break; // POP_MARK
      case 0x32:
        stack.push(top());
        break; // DUP
      // Numbers and constants.
      case 0x49:
        r.line();
        stack.push(OTHER);
        break; // INT
      case 0x4c:
        r.line();
        stack.push(OTHER);
        break; // LONG
      case 0x46:
        r.line();
        stack.push(OTHER);
        break; // FLOAT
      case 0x4a:
        r.i32();
        stack.push(OTHER);
        break; // BININT
      case 0x4b:
        r.u8();
        stack.push(OTHER);
        break; // BININT1
      case 0x4d:
        r.u16();
        stack.push(OTHER);
        break; // BININT2
      case 0x47:
        r.bytes(8);
        stack.push(OTHER);
        break; // BINFLOAT
      case 0x8a:
        r.bytes(r.u8());
        stack.push(OTHER);
        break; // LONG1
      case 0x8b: {
        const n = r.i32();
        if (n < 0) throw new Error(`negative LONG4 length at byte ${at}`);
        r.bytes(n);
        stack.push(OTHER);
        break;
      }
      case 0x4e:
      case 0x88:
      case 0x89:
        stack.push(OTHER);
        break; // NONE NEWTRUE NEWFALSE
      // Strings and bytes.
      case 0x53: {
        const l = r.line();
        const v = unquote(l);
        literal(v, Buffer.from(v, 'latin1'), at);
        break;
      } // STRING
      case 0x56:
        literal(
          r.line().replace(/\\u([0-9a-fA-F]{4})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
          undefined,
          at,
        );
        break; // UNICODE
      case 0x54: {
        const n = r.i32();
        if (n < 0) throw new Error(`negative BINSTRING length at byte ${at}`);
        const b = r.bytes(n);
        literal(latin1(b), b, at);
        break;
      }
      case 0x55: {
        const b = r.bytes(r.u8());
        literal(latin1(b), b, at);
        break;
      } // SHORT_BINSTRING
      case 0x58: {
        const b = r.bytes(r.u32());
        literal(utf8(b), b, at);
        break;
      } // BINUNICODE
      case 0x8c: {
        const b = r.bytes(r.u8());
        literal(utf8(b), b, at);
        break;
      } // SHORT_BINUNICODE
      case 0x8d: {
        const b = r.bytes(r.u64());
        literal(utf8(b), b, at);
        break;
      } // BINUNICODE8
      case 0x42: {
        const b = r.bytes(r.u32());
        literal(latin1(b), b, at);
        break;
      } // BINBYTES
      case 0x43: {
        const b = r.bytes(r.u8());
        literal(latin1(b), b, at);
        break;
      } // SHORT_BINBYTES
      case 0x8e: {
        const b = r.bytes(r.u64());
        literal(latin1(b), b, at);
        break;
      } // BINBYTES8
      case 0x96: {
        const b = r.bytes(r.u64());
        literal(latin1(b), b, at);
        break;
      } // BYTEARRAY8
      case 0x97:
      case 0x98:
        stack.push(OTHER);
        break; // NEXT_BUFFER READONLY_BUFFER (out-of-band data)
      // Containers.
      case 0x29:
      case 0x5d:
      case 0x7d:
      case 0x8f:
        stack.push(OTHER);
        break; // EMPTY_TUPLE EMPTY_LIST EMPTY_DICT EMPTY_SET
      case 0x74:
      case 0x6c:
      case 0x64:
      case 0x91:
        popMark();
        stack.push(OTHER);
        break; // TUPLE LIST DICT FROZENSET
      case 0x85:
        pop();
        stack.push(OTHER);
        break; // TUPLE1
      case 0x86:
        pop();
        pop();
        stack.push(OTHER);
        break; // TUPLE2
      case 0x87:
        pop();
        pop();
        pop();
        stack.push(OTHER);
        break; // TUPLE3
      case 0x61:
        pop();
        break; // APPEND
      case 0x65:
      case 0x75:
      case 0x90:
        popMark();
        break; // APPENDS SETITEMS ADDITEMS
      case 0x73:
        pop();
        pop();
        break; // SETITEM
      // Memo.
      case 0x70:
        memo.set(Number(r.line()), top());
        break; // PUT
      case 0x71:
        memo.set(r.u8(), top());
        break; // BINPUT
      case 0x72:
        memo.set(r.u32(), top());
        break; // LONG_BINPUT
      case 0x94:
        memo.set(memo.size, top());
        break; // MEMOIZE
      case 0x67:
        stack.push(memo.get(Number(r.line())) ?? OTHER);
        break; // GET
      case 0x68:
        stack.push(memo.get(r.u8()) ?? OTHER);
        break; // BINGET
      case 0x6a:
        stack.push(memo.get(r.u32()) ?? OTHER);
        break; // LONG_BINGET
      // Globals and calls.
      case 0x63: {
        const m = r.line(),
          n = r.line();
        stack.push({ t: 'global', g: addGlobal(m, n, at, 'GLOBAL') });
        break;
      }
      case 0x69: {
        const m = r.line(),
          n = r.line();
        addGlobal(m, n, at, 'INST (imported and called)');
        popMark();
        stack.push(OTHER);
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop(),
          module = pop();
        if (module.t === 'str' && name.t === 'str')
          stack.push({ t: 'global', g: addGlobal(module.v, name.v, at, 'STACK_GLOBAL') });
        else {
          report.issues.push({
            offset: at,
            message: 'STACK_GLOBAL whose module or name is not a literal (an obfuscated import)',
            severe: true,
          });
          addGlobal(
            module.t === 'str' ? module.v : '?',
            name.t === 'str' ? name.v : '?',
            at,
            'STACK_GLOBAL (unresolved)',
          ).risk = 'dangerous';
          stack.push(OTHER);
        }
        break;
      }
      case 0x82:
      case 0x83:
      case 0x84: {
        // EXT1 EXT2 EXT4: a global from the copyreg extension registry
        const code = op === 0x82 ? r.u8() : op === 0x83 ? r.u16() : r.i32();
        addGlobal('copyreg.extension', `code${code}`, at, 'EXT').risk = 'dangerous';
        stack.push(OTHER);
        break;
      }
      case 0x52:
        pop();
        pop();
        stack.push(OTHER);
        break; // REDUCE
      case 0x62:
        pop();
        break; // BUILD
      case 0x6f:
        popMark();
        stack.push(OTHER);
        break; // OBJ
      case 0x81:
        pop();
        pop();
        stack.push(OTHER);
        break; // NEWOBJ
      case 0x92:
        pop();
        pop();
        pop();
        stack.push(OTHER);
        break; // NEWOBJ_EX
      case 0x50:
        r.line();
        stack.push(OTHER);
        break; // PERSID
      case 0x51:
        pop();
        stack.push(OTHER);
        break; // BINPERSID
      default:
        throw new Error(`unknown opcode 0x${op.toString(16).padStart(2, '0')} at byte ${at}`);
    }
  }
}

/** Python repr of a protocol-0 STRING argument: 'abc' or "abc" with escapes. */
function unquote(s: string): string {
  const q = s[0];
  if ((q !== "'" && q !== '"') || s[s.length - 1] !== q) return s;
  return s.slice(1, -1).replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_m, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/[0-7]/.test(e[0])) return String.fromCharCode(parseInt(e, 8));
    return ({ n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", '"': '"' } as Record<string, string>)[e] ?? e;
  });
}
