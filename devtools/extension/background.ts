// The service worker: the toolbar button opens the panel for the current tab in a window of its
// own (panel.html?tab=<id>), for a developer who wants it beside the page rather than in DevTools.
chrome.action.onClicked.addListener((tab) => {
  if (tab.id === undefined) return
  void chrome.windows.create({ url: chrome.runtime.getURL(`panel.html?tab=${tab.id}`), type: 'popup', width: 1000, height: 640 })
})
