export { exportHistories, type ExportedHistory, type ExportSelection } from './exportHistories';
export { historyFileName, readHistoryFiles, writeHistoryFile, type HistoryFile } from './historyFiles';
