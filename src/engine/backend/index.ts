export { initBackend, currentBackend, defaultWasmDir, type BackendName, type BackendPreference, type BackendInfo, type InitBackendOptions } from './init';
export { installWasmMatMulPatch, uninstallWasmMatMulPatch, ensureWasmMatMulPatch, isWasmMatMulPatchInstalled } from './wasmMatMulPatch';
export { matMul, dense, embeddingLookup, layerNorm, dropout } from './ops';
