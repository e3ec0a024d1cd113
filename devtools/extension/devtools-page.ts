// The DevTools page: it only adds the crossbus panel (panel.html), which finds the inspected tab itself.
chrome.devtools.panels.create('crossbus', '', 'panel.html')
