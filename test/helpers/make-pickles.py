# Writes test pickles into the folder given as argv[1]. pickle.dumps only records the callables;
# nothing here is ever loaded, so the payloads never run.
import os, pickle, sys, io, zipfile, struct, collections, pickletools
out = sys.argv[1]

class Cmd:
    def __reduce__(self):
        return (os.system, ('echo pwned',))

def w(name, data):
    with open(os.path.join(out, name), 'wb') as f:
        f.write(data)

for proto in range(0, 6):
    w(f'os_system_p{proto}.pkl', pickle.dumps(Cmd(), protocol=proto))
# A benign checkpoint-like pickle: OrderedDict of plain values.
w('benign.pkl', pickle.dumps(collections.OrderedDict(a=1, b=[1.5, 'x'], c={'k': (1, 2)}), protocol=4))
# STACK_GLOBAL with module and name coming from the memo, not literals next to it.
w('memo_trick.pkl', b'\x80\x04\x8c\x05posix\x94\x8c\x06system\x94h\x00h\x01\x93\x8c\x02id\x85R.')
# The same call hidden in a nested pickle handed to pickle.loads.
inner = pickle.dumps(Cmd(), protocol=2)
w('nested.pkl', b'\x80\x04\x8c\x07_pickle\x8c\x05loads\x93' + b'C' + bytes([len(inner)]) + inner + b'\x85R.')
# A PyTorch-style zip checkpoint: archive/data.pkl plus raw tensor data.
buf = io.BytesIO()
with zipfile.ZipFile(buf, 'w', zipfile.ZIP_STORED) as z:
    z.writestr('archive/data.pkl', pickle.dumps(Cmd(), protocol=2))
    z.writestr('archive/data/0', b'\0' * 64)
    z.writestr('archive/version', b'3\n')
w('model.pt', buf.getvalue())
# A zip member that escapes the archive.
buf = io.BytesIO()
with zipfile.ZipFile(buf, 'w') as z:
    z.writestr('../../etc/cron.d/x.pkl', pickle.dumps({'a': 1}))
w('traversal.zip', buf.getvalue())
# NumPy object array whose pickle calls os.system (header by hand, as numpy writes it).
hdr = "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }"
hdr = hdr + ' ' * (63 - (10 + len(hdr)) % 64) + '\n'
w('objects.npy', b'\x93NUMPY\x01\x00' + struct.pack('<H', len(hdr)) + hdr.encode() + pickle.dumps([Cmd()], protocol=3))
# A truncated stream.
w('truncated.pkl', pickle.dumps(Cmd(), protocol=4)[:-5])
