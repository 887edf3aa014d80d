# Writes a PyTorch-style zip checkpoint of a given size: archive/data.pkl (the pickle a real
# torch.save writes: an OrderedDict of tensors rebuilt by torch._utils._rebuild_tensor_v2 from
# persistent storage ids) and the tensor bytes as archive/data/N members, stored uncompressed.
# torch itself is not needed: stand-in modules give the pickle the same globals.
#   python3 bench/make-checkpoint.py OUT.pt SIZE_MB
import collections, io, pickle, struct, sys, types, zlib

out, size_mb = sys.argv[1], int(sys.argv[2])
torch = types.ModuleType('torch'); utils = types.ModuleType('torch._utils')
class FloatStorage: pass
FloatStorage.__module__ = 'torch'
def _rebuild_tensor_v2(*a): pass
_rebuild_tensor_v2.__module__ = 'torch._utils'
torch.FloatStorage = FloatStorage; utils._rebuild_tensor_v2 = _rebuild_tensor_v2
sys.modules['torch'] = torch; sys.modules['torch._utils'] = utils

n_tensors = 64
per = size_mb * 1024 * 1024 // n_tensors
class Ref:
    def __init__(self, key, numel): self.key, self.numel = key, numel
class Tensor:
    def __init__(self, key, numel): self.ref, self.numel = Ref(key, numel), numel
    def __reduce__(self):
        return (_rebuild_tensor_v2, (self.ref, 0, (self.numel,), (1,), False, collections.OrderedDict()))
class P(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Ref): return ('storage', FloatStorage, obj.key, 'cpu', obj.numel)
        return None
state = collections.OrderedDict((f'layer{i}.weight', Tensor(str(i), per // 4)) for i in range(n_tensors))
buf = io.BytesIO(); P(buf, protocol=2).dump(state); pkl = buf.getvalue()

central = []
with open(out, 'wb') as f:
    def member(name, data_len, writer):
        off = f.tell()
        nb = name.encode()
        f.write(struct.pack('<IHHHHHIIIHH', 0x04034b50, 20, 0, 0, 0, 0, 0, data_len, data_len, len(nb), 0) + nb)
        crc = writer()
        end = f.tell()
        f.seek(off + 14); f.write(struct.pack('<I', crc)); f.seek(end)
        central.append((nb, off, data_len, crc))
    member('archive/data.pkl', len(pkl), lambda: (f.write(pkl), zlib.crc32(pkl))[1])
    chunk = bytes(1024 * 1024)
    for i in range(n_tensors):
        def write_tensor():
            crc, left = 0, per
            while left > 0:
                c = chunk[:min(left, len(chunk))]; f.write(c); crc = zlib.crc32(c, crc); left -= len(c)
            return crc
        member(f'archive/data/{i}', per, write_tensor)
    member('archive/version', 2, lambda: (f.write(b'3\n'), zlib.crc32(b'3\n'))[1])
    cd_off = f.tell()
    for nb, off, ln, crc in central:
        f.write(struct.pack('<IHHHHHHIIIHHHHHII', 0x02014b50, 20, 20, 0, 0, 0, 0, crc, ln, ln, len(nb), 0, 0, 0, 0, 0, off) + nb)
    cd_len = f.tell() - cd_off
    f.write(struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, len(central), len(central), cd_len, cd_off, 0))
