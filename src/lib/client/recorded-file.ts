/** The file name a recorded blob is sent under, from what the browser recorded (voice-recorder.svelte). */
export const recordedFile = (blob: Blob) => new File([blob], `voice.${blob.type.includes('ogg') ? 'ogg' : blob.type.includes('mp4') ? 'm4a' : 'webm'}`, { type: blob.type });
