// Hands a file to the browser's downloads (Save, Save with weights, every Export): one home for the
// object-URL dance. Imports nothing, so the export worker's modules can share it.

export interface DownloadFile {
  name: string;
  data: Uint8Array | string;
  type: string;
}

export function downloadFile(file: DownloadFile): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([file.data as BlobPart], { type: file.type }));
  a.download = file.name;
  a.click();
  // After the click the browser holds the blob; the URL can go once it has started.
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
