export declare const SWIFTSHADER_ICD: string;
export declare const chromiumArgs: string[];
export declare const systemGpuChromiumArgs: string[];
export declare function benchChromiumArgs(): string[];
export declare function chromiumPath(): string;
export declare function hasRealGpu(): boolean;
export declare function useSwiftShaderInNode(): void;
