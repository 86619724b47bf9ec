export { byWorkflowType, exportHistories, type ExportedHistory, type ExportSelection, type HistoryLayout } from './exportHistories';
export { historyFileName, readHistoryFiles, writeHistoryFile, type HistoryFile } from './historyFiles';
