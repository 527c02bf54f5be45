import { GraphQLError } from "graphql";
import { CombinedError } from "urql";

import { CSRF_HEADER } from "../api/client";

export const UPLOAD_PATH = "/v1/uploads";

export interface UploadedFile {
  uploadId: string;
  sha256: string;
  size: number;
}

export interface UploadHandle {
  /** Resolves with the stored upload, or rejects with a CombinedError to show. */
  done: Promise<UploadedFile>;
  abort: () => void;
}

/**
 * Encodes text as UTF-8 bytes in a string of code units 0 to 255, because a browser accepts no
 * other header value. The server decodes X-Filename as UTF-8.
 */
export function headerText(text: string): string {
  return Array.from(new TextEncoder().encode(text), (byte) => String.fromCharCode(byte)).join("");
}

/** Turns the server's `{"error": {...}}` body, or a failure without one, into an error ErrorDisplay shows. */
export function uploadError(status: number, body: string): CombinedError {
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = null;
  }
  const error = typeof parsed === "object" && parsed !== null && "error" in parsed ? (parsed as { error: unknown }).error : null;
  if (typeof error === "object" && error !== null && "message" in error) {
    const { message, ...extensions } = error as { message: string } & Record<string, unknown>;
    return new CombinedError({ graphQLErrors: [new GraphQLError(String(message), { extensions })] });
  }
  const message = status === 0 ? "The upload could not reach the server." : `The upload failed with HTTP status ${status}.`;
  return new CombinedError({ networkError: new Error(message) });
}

/**
 * Streams a file to POST /v1/uploads in the team, with the session cookie and CSRF header, and
 * reports the bytes sent. XMLHttpRequest is used because fetch reports no upload progress.
 */
export function uploadFile(
  file: File,
  teamId: string,
  csrfToken: string | null,
  onProgress: (sent: number, total: number) => void,
): UploadHandle {
  const request = new XMLHttpRequest();
  const done = new Promise<UploadedFile>((resolve, reject) => {
    request.open("POST", `${UPLOAD_PATH}?team=${encodeURIComponent(teamId)}`);
    request.withCredentials = true;
    request.setRequestHeader("Content-Type", "application/octet-stream");
    request.setRequestHeader("X-Filename", headerText(file.name));
    if (csrfToken) {
      request.setRequestHeader(CSRF_HEADER, csrfToken);
    }
    request.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    request.onload = () => {
      if (request.status === 201) {
        resolve(JSON.parse(request.responseText) as UploadedFile);
      } else {
        reject(uploadError(request.status, request.responseText));
      }
    };
    request.onerror = () => reject(uploadError(0, ""));
    request.onabort = () => reject(new CombinedError({ networkError: new Error("The upload was cancelled.") }));
    request.send(file);
  });
  return { done, abort: () => request.abort() };
}
