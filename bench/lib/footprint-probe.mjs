// Loaded into a measured process with `node --import`: on SIGUSR2 it writes the process's own
// view of its memory to $FOOTPRINT_REPORT (V8 heap, external, the WebAssembly memories alive).
// It keeps only weak references, so it does not keep a closed PGlite's memory alive.
import { writeFileSync } from "node:fs";
import { getHeapCodeStatistics } from "node:v8";

const memories = [];
WebAssembly.Memory = new Proxy(WebAssembly.Memory, {
  construct(target, args, newTarget) {
    const memory = Reflect.construct(target, args, newTarget);
    memories.push(new WeakRef(memory));
    return memory;
  },
});

const out = process.env.FOOTPRINT_REPORT;
if (out) {
  process.on("SIGUSR2", () => {
    const alive = memories.map((m) => m.deref()).filter(Boolean);
    const usage = process.memoryUsage();
    const code = getHeapCodeStatistics();
    writeFileSync(
      out,
      JSON.stringify({
        at: Date.now(),
        heapUsed: usage.heapUsed,
        heapTotal: usage.heapTotal,
        external: usage.external,
        arrayBuffers: usage.arrayBuffers,
        // Bytecode and compiled JavaScript (in the V8 heap); WebAssembly code is outside it.
        jsCode: code.code_and_metadata_size + code.bytecode_and_metadata_size,
        wasmMemories: alive.length,
        // Committed size (pages grown so far), not what is resident: smaps tells that.
        wasmBytes: alive.reduce((sum, m) => sum + m.buffer.byteLength, 0),
      }),
    );
  });
}
