console.log('webview placeholder');
