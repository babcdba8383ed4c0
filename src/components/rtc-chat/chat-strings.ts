import type { RtcChatStrings } from '../../i18n/strings.js';

/** The chat panel's English, loaded with it (not in rtc-call.js): a language file or `strings` says otherwise. */
export const enChat: RtcChatStrings = {
  closeChat: 'Close chat',
  noMessages: 'No messages yet.',
  message: 'Message',
  send: 'Send',
  attachFile: 'Send a file',
  fileFrom: 'File from {name}',
  fileTo: 'File to {name}',
  fileSize: '{size} KB',
  accept: 'Accept',
  refuse: 'Refuse',
  cancel: 'Cancel',
  save: 'Save',
  fileOffered: 'Waiting for an answer',
  fileSending: 'Transferring',
  fileDone: 'Done',
  fileRefused: 'Refused',
  fileCancelled: 'Cancelled',
  fileFailed: 'Failed',
};
