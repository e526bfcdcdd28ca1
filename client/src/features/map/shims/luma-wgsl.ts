/**
 * Stands in for luma.gl shadertools' WGSL scanners (`wgsl-interface-scan.js`, `wgsl-binding-scan.js`,
 * `wgsl-binding-debug.js`; vite.config.ts `webglOnly`). They read WebGPU shaders, which only a WebGPU device
 * assembles; GridPulse's map draws with WebGL (GLSL), whose assembly never calls them.
 */
const refuse = (what: string): never => {
  throw new Error(`${what}: WGSL shader assembly is left out of the GridPulse client build (WebGL only)`);
};

export const WGSL_BINDABLE_VARIABLE_PATTERN = '';
export const MODULE_WGSL_BINDING_DECLARATION_REGEXES: RegExp[] = [];
export const WGSL_BINDING_DECLARATION_REGEXES: RegExp[] = [];
export const WGSL_EXPLICIT_BINDING_DECLARATION_REGEXES: RegExp[] = [];

export const scanWGSLInterface = (): never => refuse('scanWGSLInterface');
export const getShaderBindingDebugRowsFromWGSL = (): never => refuse('getShaderBindingDebugRowsFromWGSL');
export const maskWGSLComments = (): never => refuse('maskWGSLComments');
export const getWGSLBindingDeclarationMatches = (): never => refuse('getWGSLBindingDeclarationMatches');
export const replaceWGSLBindingDeclarationMatches = (): never => refuse('replaceWGSLBindingDeclarationMatches');
export const hasWGSLAutoBinding = (): never => refuse('hasWGSLAutoBinding');
export const getFirstWGSLAutoBindingDeclarationMatch = (): never => refuse('getFirstWGSLAutoBindingDeclarationMatch');
