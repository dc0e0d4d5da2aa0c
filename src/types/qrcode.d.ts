/** The part of `qrcode` (1.5, no bundled types) gridbot uses: the QR matrix, drawn by our own canvas. */
declare module 'qrcode' {
  export interface QRCodeModules {
    size: number;
    get(row: number, col: number): boolean | number;
  }
  export interface QRCodeMatrix {
    modules: QRCodeModules;
    version: number;
  }
  export function create(text: string, options?: { errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H' }): QRCodeMatrix;
  const QRCode: { create: typeof create };
  export default QRCode;
}
