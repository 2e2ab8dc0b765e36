"""Recurrent layers: cells, the `RNN` time loop over them, and sequence wrappers."""

from kerasish.layers.recurrent.bidirectional import Bidirectional as Bidirectional
from kerasish.layers.recurrent.conv_lstm_nd import ConvLSTM1D as ConvLSTM1D
from kerasish.layers.recurrent.conv_lstm_nd import ConvLSTM2D as ConvLSTM2D
from kerasish.layers.recurrent.conv_lstm_nd import ConvLSTM3D as ConvLSTM3D
from kerasish.layers.recurrent.gru import GRU as GRU
from kerasish.layers.recurrent.gru import GRUCell as GRUCell
from kerasish.layers.recurrent.lstm import LSTM as LSTM
from kerasish.layers.recurrent.lstm import LSTMCell as LSTMCell
from kerasish.layers.recurrent.rnn import RNN as RNN
from kerasish.layers.recurrent.simple_rnn import SimpleRNN as SimpleRNN
from kerasish.layers.recurrent.simple_rnn import SimpleRNNCell as SimpleRNNCell
from kerasish.layers.recurrent.stacked_rnn_cells import StackedRNNCells as StackedRNNCells
from kerasish.layers.recurrent.time_distributed import TimeDistributed as TimeDistributed
from kerasish.layers.recurrent.wrapper import Wrapper as Wrapper

__all__ = [
    "Bidirectional",
    "ConvLSTM1D",
    "ConvLSTM2D",
    "ConvLSTM3D",
    "GRU",
    "GRUCell",
    "LSTM",
    "LSTMCell",
    "RNN",
    "SimpleRNN",
    "SimpleRNNCell",
    "StackedRNNCells",
    "TimeDistributed",
    "Wrapper",
]
